import { spawn } from 'node:child_process';
import { existsSync, readdirSync, truncateSync, unlinkSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { PrefixStore } from './prefix-store';

const key = (n: number) => String(n).padStart(64, '0');
const files = (text: string) =>
  new Map<string, Buffer | string>([
    ['state.json', text],
    ['data.tar', Buffer.alloc(1000, text)],
  ]);

describe('PrefixStore', () => {
  let dir: TemporaryProject;
  beforeEach(() => (dir = temporaryDir('forge-prefix-store-')));
  afterEach(() => dir.remove());

  it('finds the longest prefix kept, with its files', async () => {
    const store = new PrefixStore(dir.dir, 1 << 20);
    expect(await store.longest([key(1), key(2), key(3)])).toBeUndefined();
    await store.write(key(1), files('one'));
    await store.write(key(2), files('two'));
    const found = await store.longest([key(1), key(2), key(3)]);
    expect(found?.length).toBe(2);
    expect(found?.files.get('state.json')?.toString()).toBe('two');
    expect(found?.files.get('data.tar')?.length).toBe(1000);
    expect((await store.longest([key(9), key(8)]))?.length).toBeUndefined();
  });

  it.each<[string, (entry: string) => void]>([
    ['a file cut off', (entry) => truncateSync(path.join(entry, 'data.tar'), 10)],
    ['a file edited', (entry) => writeFileSync(path.join(entry, 'state.json'), 'owt')],
    ['a file gone', (entry) => unlinkSync(path.join(entry, 'data.tar'))],
    ['its manifest gone', (entry) => unlinkSync(path.join(entry, 'manifest.json'))],
    ['its manifest unreadable', (entry) => writeFileSync(path.join(entry, 'manifest.json'), '{"key":')],
  ])('takes an entry with %s as missing, removes it, and keeps the next one written for that key', async (_what, damage) => {
    const store = new PrefixStore(dir.dir, 1 << 20);
    await store.write(key(1), files('one'));
    await store.write(key(2), files('two'));
    damage(path.join(dir.dir, key(2)));
    const found = await store.longest([key(1), key(2)]);
    expect(found?.length).toBe(1);
    expect(existsSync(path.join(dir.dir, key(2)))).toBe(false);
    await store.write(key(2), files('two again'));
    expect((await store.read(key(2)))?.get('state.json')?.toString()).toBe('two again');
  });

  it('stays under its bound: the entries used longest ago go first', async () => {
    const store = new PrefixStore(dir.dir, 3500);
    for (const n of [1, 2, 3]) {
      await store.write(key(n), files(String(n)));
      // Each entry's last use a second after the one before.
      utimesSync(path.join(dir.dir, key(n), 'manifest.json'), n, n);
    }
    // A hit makes the first entry the one used last.
    expect(await store.read(key(1))).toBeDefined();
    await store.write(key(4), files('4'));
    const kept = (await store.entries()).map((entry) => entry.key).sort();
    expect(kept).toEqual([key(1), key(3), key(4)]);
    expect((await store.entries()).reduce((sum, entry) => sum + entry.bytes, 0)).toBeLessThanOrEqual(3500);
  });

  it('removes the staging folders of a killed writer once they are old, and never reads them', async () => {
    const store = new PrefixStore(dir.dir, 1 << 20);
    const abandoned = path.join(dir.dir, '.staging-1-abc');
    const recent = path.join(dir.dir, '.staging-2-def');
    for (const staging of [abandoned, recent]) mkdirSync(staging, { recursive: true });
    utimesSync(abandoned, 0, 0);
    await store.write(key(1), files('one'));
    expect(readdirSync(dir.dir).sort()).toEqual(['.staging-2-def', key(1)]);
  });

  it('is safe under parallel processes writing and reading the same keys', async () => {
    const script = `
      const { PrefixStore } = require(${JSON.stringify(require.resolve('./prefix-store'))});
      (async () => {
        const store = new PrefixStore(process.argv[1], 1 << 20);
        const key = (n) => String(n).padStart(64, '0');
        for (let round = 0; round < 20; round++) {
          const n = 1 + (round % 4);
          await store.write(key(n), new Map([['state.json', 'state ' + n], ['data.tar', Buffer.alloc(5000 * n, n)]]));
          const found = await store.longest([key(1), key(2), key(3), key(4)]);
          if (!found || found.files.get('state.json').toString() !== 'state ' + found.length) throw new Error('a wrong or damaged entry was read');
        }
      })().catch((error) => { console.error(error); process.exit(1); });`;
    const run = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--require', require.resolve('@swc-node/register'), '-e', script, dir.dir], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        child.on('close', resolve);
      });
    expect(await Promise.all([run(), run(), run(), run()])).toEqual([0, 0, 0, 0]);
    const store = new PrefixStore(dir.dir, 1 << 20);
    for (const n of [1, 2, 3, 4]) expect((await store.read(key(n)))?.get('state.json')?.toString()).toBe(`state ${n}`);
    expect(readdirSync(dir.dir).filter((name) => name.startsWith('.staging-'))).toEqual([]);
  });
});
