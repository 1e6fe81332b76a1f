/**
 * `npm run bench`: every benchmark of tools/bench in one run, each figure beside its peer; writes
 * docs/benchmarks.md (one table of every row, the machine, how to rerun) and the detail pages the
 * benchmarks write (docs/safety-benchmark.md, docs/deploy-benchmark.md).
 *
 * With names (`npm run bench -- memory`, `npm run bench:safety`, `npm run bench:deploy`), only those
 * benchmarks: their rows and notes are printed and their detail pages written, docs/benchmarks.md is left as
 * it is (its figures all come from one run).
 *
 * Expects the package built and TEST_DATABASE_URL set (tools/postgres.mjs run), as the scripts do.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { archive } from './archive';
import { type Benchmark, type BenchResult, benchContext, REPO_ROOT } from './benchmark';
import { deploy } from './deploy';
import { foundation } from './foundation';
import { memory } from './memory';
import { realHistories } from './real-histories';
import { sectionedTable } from './report';
import { safety } from './safety-analysis';
import { scale } from './scale';
import { machine } from './timing';

/** In the order they run and appear in docs/benchmarks.md. */
const BENCHMARKS: Benchmark[] = [foundation, memory, safety, deploy, archive, scale, realHistories];

async function main() {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length)
    throw new Error(`no benchmark named ${unknown.join(', ')}; the benchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  const selected = names.length ? BENCHMARKS.filter((benchmark) => names.includes(benchmark.name)) : BENCHMARKS;

  const started = performance.now();
  const context = benchContext();
  const results: Array<{ benchmark: Benchmark; result: BenchResult }> = [];
  try {
    for (const benchmark of selected) {
      const benchStarted = performance.now();
      console.error(`[bench] ${benchmark.name}…`);
      const result = await benchmark.run(context);
      console.error(`[bench] ${benchmark.name}: ${minutes(performance.now() - benchStarted)}`);
      for (const document of result.documents ?? []) writeFileSync(path.join(REPO_ROOT, document.file), document.markdown);
      results.push({ benchmark, result });
    }
  } finally {
    context.dispose();
  }

  const elapsed = performance.now() - started;
  if (names.length === 0) {
    const page = render(results, elapsed);
    writeFileSync(path.join(REPO_ROOT, 'docs', 'benchmarks.md'), page);
    console.log(page);
  } else {
    console.log(sectionedTable(results.map(({ benchmark, result }) => ({ title: benchmark.section, rows: result.rows }))).join('\n'));
    for (const { benchmark, result } of results)
      if (result.notes?.length) console.log(`\n**${benchmark.section}.** ${result.notes.join(' ')}`);
  }
  console.error(`[bench] done in ${minutes(elapsed)}`);
}

function render(results: Array<{ benchmark: Benchmark; result: BenchResult }>, elapsed: number): string {
  const rows = results.flatMap(({ result }) => result.rows);
  const missed = rows.filter((row) => !row.met).length;
  return [
    '# Benchmarks',
    '',
    'Every performance figure of the project, each measured side by side with its peer in the same ' +
      'run, on the same machine, by `npm run bench` (tools/bench/all.ts).',
    `Ratio is ours / peer; a row is met when ours is within its target, and marked missed with the ` +
      `figure measured otherwise (${missed} of ${rows.length} missed in this run).`,
    '',
    `Machine: ${machine()}. The whole run took ${minutes(elapsed)}.`,
    '',
    ...sectionedTable(results.map(({ benchmark, result }) => ({ title: benchmark.section, rows: result.rows }))),
    '',
    ...results.flatMap(({ benchmark, result }) =>
      result.notes?.length ? [`**${benchmark.section}.** ${result.notes.join(' ')}`, ''] : [],
    ),
    '## How to rerun',
    '',
    '`npm run bench` builds the package, starts a throwaway PostgreSQL 15 server (tools/postgres.mjs, which installs the Debian package when it is missing),',
    `runs the benchmarks of tools/bench one after the other (${BENCHMARKS.map((b) => b.name).join(', ')}) and rewrites this page,`,
    'docs/safety-benchmark.md and docs/deploy-benchmark.md. To rerun some of them alone: `npm run ' +
      'bench -- <name>...` (`npm run bench:safety`, `npm run bench:deploy` are two of them);',
    'that prints their rows and rewrites their detail page, not this one, whose figures all come ' +
      'from one run. Figures vary with the machine, ratios much less.',
    '',
  ].join('\n');
}

function minutes(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
