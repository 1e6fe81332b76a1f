import os from 'node:os';

export const ROUNDS = 5;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Alternate rounds of two measurements (after one warm-up of ours); the medians. */
export function sideBySide(ours: () => number, peer: () => number): { ours: number; peer: number } {
  ours();
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    b.push(peer());
    a.push(ours());
  }
  return { ours: median(a), peer: median(b) };
}

/**
 * The same for asynchronous measurements, each returning its own timed part, against one or more
 * peers: each round runs every peer, then ours; the medians over `rounds` rounds.
 */
export async function sideBySideAsync(
  ours: () => Promise<number>,
  peers: Array<() => Promise<number>>,
  rounds = ROUNDS,
): Promise<{ ours: number; peers: number[] }> {
  await ours();
  const a: number[] = [];
  const b: number[][] = peers.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, peer] of peers.entries()) b[i].push(await peer());
    a.push(await ours());
  }
  return { ours: median(a), peers: b.map(median) };
}

export function machine(): string {
  return (
    `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ` +
    `${os.release()}`
  );
}
