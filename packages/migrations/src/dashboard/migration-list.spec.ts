import { listHref, listMigrations, PAGE_SIZE, readListQuery, summarize } from './migration-list';
import type { MigrationView } from './venture-view';

const migration = (n: number, fields: Partial<MigrationView> = {}): MigrationView => ({
  name: `2024${String(n).padStart(4, '0')}_step_${n % 3 === 0 ? 'drop' : 'add'}`,
  state: n > 120 ? 'pending' : 'applied',
  version: `1.${n}.0`,
  risk: n % 3 === 0 ? 'data loss' : 'low',
  findings: [],
  up: '',
  downKind: n % 3 === 0 ? 'irreversible' : 'script',
  ...fields,
});
const history = Array.from({ length: 130 }, (_, i) => migration(i + 1));

describe('the venture page list', () => {
  it('reads only known states and risks, and a page from 1, from the address', () => {
    expect(readListQuery(new URLSearchParams('state=applied&risk=data+loss&search=+drop+&page=3'))).toEqual({
      state: 'applied',
      risk: 'data loss',
      search: 'drop',
      page: 3,
    });
    expect(readListQuery(new URLSearchParams('state=<script>&risk=nope&page=-2'))).toEqual({
      state: undefined,
      risk: undefined,
      search: undefined,
      page: 1,
    });
  });

  it('lists newest first, a page at a time, and the last page when asked past it', () => {
    const first = listMigrations(history, { page: 1 });
    expect(first).toMatchObject({ matching: 130, pages: 3, first: 0 });
    expect(first.rows.map((row) => row.version)).toEqual(Array.from({ length: PAGE_SIZE }, (_, i) => `1.${130 - i}.0`));
    expect(listMigrations(history, { page: 9 })).toMatchObject({
      query: { page: 3 },
      first: 100,
      rows: expect.arrayContaining([expect.objectContaining({ version: '1.1.0' })]),
    });
  });

  it('filters by state, risk and a part of the name, case aside', () => {
    const list = listMigrations(history, { state: 'applied', risk: 'data loss', search: 'DROP', page: 1 });
    expect(list.matching).toBe(40);
    expect(list.rows.every((row) => row.state === 'applied' && row.risk === 'data loss' && row.name.includes('drop'))).toBe(true);
    expect(listMigrations(history, { search: 'nothing like it', page: 1 })).toMatchObject({ matching: 0, rows: [], pages: 1 });
  });

  it('sums up the states, risks and downs, leaving out what is not there', () => {
    expect(summarize(history)).toEqual({
      total: 130,
      byState: [
        ['applied', 120],
        ['pending', 10],
      ],
      byRisk: [
        ['data loss', 43],
        ['low', 87],
      ],
      downs: [
        ['script', 87],
        ['irreversible', 43],
      ],
    });
  });

  it('keeps the filters in the links of other pages', () => {
    expect(listHref('/v/shop', { state: 'pending', search: 'a b', page: 1 }, 2)).toBe('/v/shop?state=pending&search=a+b&page=2');
    expect(listHref('/v/shop', { page: 2 }, 1)).toBe('/v/shop');
  });
});
