/** One measured row of a benchmark report: ours side by side with its peer. */
export interface Row {
  name: string;
  ours: number;
  peer: number;
  peerName: string;
  unit: 'ms';
  /** Met when `ours` is within the target. */
  target: string;
  met: boolean;
}

/** The Markdown table of the rows: ours, the peer, the ratio (and the difference), the target, met or missed. */
export function resultTable(rows: readonly Row[]): string[] {
  return [
    '| measure | ours | peer | ratio | target | |',
    '|---|---:|---:|---:|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${Math.round(row.ours)} ${row.unit} | ${Math.round(row.peer)} ${row.unit} (${row.peerName}) | ${(row.ours / row.peer).toFixed(2)}× (${row.ours >= row.peer ? '+' : '−'}${Math.abs(Math.round(row.ours - row.peer))} ${row.unit}) | ${row.target} | ${row.met ? 'met' : 'missed'} |`,
    ),
  ];
}
