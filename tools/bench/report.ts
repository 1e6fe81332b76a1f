/** One measured row of a benchmark report: ours side by side with its peer. */
export interface Row {
  name: string;
  ours: number;
  peer: number;
  peerName: string;
  unit: 'ms' | 'MiB' | 'migrations';
  /** Met when `ours` is within the target. */
  target: string;
  met: boolean;
}

/** Rows under a heading, as docs/benchmarks.md groups them. */
export interface Section {
  title: string;
  rows: readonly Row[];
}

const HEADER = ['| measure | ours | peer | ratio | target | |', '|---|---:|---:|---:|---|---|'];

/** The Markdown table of the rows: ours, the peer, the ratio (and the difference), the target, met or missed. */
export function resultTable(rows: readonly Row[]): string[] {
  return [...HEADER, ...rows.map(tableRow)];
}

/** One table of every section's rows, each section under a row of its own. */
export function sectionedTable(sections: readonly Section[]): string[] {
  return [...HEADER, ...sections.flatMap((section) => [`| **${section.title}** | | | | | |`, ...section.rows.map(tableRow)])];
}

function tableRow(row: Row): string {
  const difference = `${row.ours >= row.peer ? '+' : '−'}${Math.abs(Math.round(row.ours - row.peer))} ${row.unit}`;
  return (
    `| ${row.name} | ${Math.round(row.ours)} ${row.unit} | ${Math.round(row.peer)} ${row.unit} (` +
    `${row.peerName}) | ${(row.ours / row.peer).toFixed(2)}× (${difference}) | ${row.target} | ` +
    `${row.met ? 'met' : `**missed**`} |`
  );
}
