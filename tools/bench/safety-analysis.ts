/**
 * The safety analysis side by side with squawk (npm `squawk-cli`), on the same migration files:
 * wall time of one command analysing a whole history of 150+ migrations (ours: `node
 * analyze-files.js`, loading the built package; squawk: its native binary), and where the two
 * disagree, per concept both check. Part of `npm run bench` (alone: `npm run bench:safety`); writes
 * docs/safety-benchmark.md.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSqlParser, type SqlParser } from '../../packages/migrations/src/core/sql/parser';
import { type Benchmark, REPO_ROOT } from './benchmark';
import { generateHistory } from './generate-history';
import { machine, median, ROUNDS, sideBySide } from './timing';

const GENERATED = 150;
/** No target was set for this figure before: one second for a whole history of 174 migrations, Node's start-up included. */
const TARGET_MS = 1000;

/**
 * The concepts both tools check, and which of their rules check each; `why` explains a known
 * disagreement (checked by reading the examples the report prints), shown when it occurs.
 */
const CONCEPTS: Array<{ concept: string; ours: string[]; squawk: string[]; why?: { oursOnly?: string; squawkOnly?: string } }> = [
  { concept: 'drop table', ours: ['DS101'], squawk: ['ban-drop-table'] },
  { concept: 'drop column', ours: ['DS102'], squawk: ['ban-drop-column'] },
  { concept: 'column type change', ours: ['DS104', 'BC104', 'LK105', 'DD103'], squawk: ['changing-column-type'] },
  { concept: 'rename table', ours: ['BC101'], squawk: ['renaming-table'] },
  { concept: 'rename column', ours: ['BC102'], squawk: ['renaming-column'] },
  { concept: 'index built without CONCURRENTLY', ours: ['LK101'], squawk: ['require-concurrent-index-creation'] },
  { concept: 'index dropped without CONCURRENTLY', ours: ['LK107'], squawk: ['require-concurrent-index-deletion'] },
  {
    concept: 'constraint validated while locked',
    ours: ['LK103', 'LK104'],
    squawk: ['adding-foreign-key-constraint', 'constraint-missing-not-valid'],
  },
  {
    concept: 'UNIQUE over existing rows',
    ours: ['DD101'],
    squawk: ['disallowed-unique-constraint'],
    why: {
      oursOnly:
        "squawk's disallowed-unique-constraint looks at `ADD CONSTRAINT ... UNIQUE` only. A `CREATE " +
        'UNIQUE INDEX` on an existing table fails the same way when rows hold duplicates, which DD101 ' +
        'reports; squawk reports that statement only for its missing CONCURRENTLY.',
    },
  },
  { concept: 'NOT NULL over existing rows', ours: ['DD102', 'BC103'], squawk: ['adding-required-field', 'adding-not-nullable-field'] },
  { concept: 'default that rewrites the table', ours: ['LK102'], squawk: ['adding-field-with-default'] },
  {
    concept: 'no lock_timeout (per migration)',
    ours: ['LK106'],
    squawk: ['require-lock-timeout'],
    why: {
      squawkOnly:
        'Migrations that lock only tables they create (a `CREATE TABLE` with its indexes) or no table ' +
        'at all (`CREATE EXTENSION`): no query can be waiting on a table that did not exist, so LK106 ' +
        'stays silent by design, as for every rule here; squawk asks for a lock_timeout before any lock.',
    },
  },
  { concept: 'TRUNCATE / DELETE', ours: ['DS105'], squawk: ['ban-truncate-cascade'] },
];

interface Hit {
  file: string;
  /** 1-based statement of the file; 0 for a concept compared per migration. */
  statement: number;
  concept: string;
}

export const safety: Benchmark = {
  name: 'safety',
  section: 'Safety analysis beside squawk',
  async run() {
    const parser = await loadSqlParser();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-bench-safety-'));
    try {
      const files = corpus(dir);
      const squawkBinary = path.join(REPO_ROOT, 'node_modules', '@squawk-cli', `${process.platform}-${process.arch}`, 'bin', 'squawk');
      const ours = () => run(process.execPath, [path.join(__dirname, 'analyze-files.js'), ...files]);
      const squawk = () => run(squawkBinary, ['--reporter', 'json', '--assume-in-transaction', ...files]);
      const timing = sideBySide(
        () => ours().ms,
        () => squawk().ms,
      );
      const analysisOnly = median(Array.from({ length: ROUNDS }, () => JSON.parse(ours().stderr).analysisMs as number));

      const statementOf = statementLocator(parser, files);
      const ourHits = (JSON.parse(ours().stdout) as Array<{ migration: string; code: string; line: number }>).flatMap((finding) =>
        hitsOf(
          finding.migration,
          CONCEPTS.filter((c) => c.ours.includes(finding.code)),
          statementOf(finding.migration, finding.line),
        ),
      );
      const squawkFindings = JSON.parse(squawk().stdout) as Array<{ file: string; line: number; rule_name: string }>;
      const squawkHits = squawkFindings.flatMap((finding) =>
        hitsOf(
          finding.file,
          CONCEPTS.filter((c) => c.squawk.includes(finding.rule_name)),
          statementOf(finding.file, finding.line + 1),
        ),
      );
      const squawkOnlyRules = countBy(
        squawkFindings.map((f) => f.rule_name).filter((rule) => !CONCEPTS.some((c) => c.squawk.includes(rule))),
      );
      return {
        rows: [
          {
            name: `safety analysis of ${files.length} migrations, one command`,
            ...timing,
            peerName: 'squawk 2.66, native binary',
            unit: 'ms',
            target: `≤ ${TARGET_MS} ms`,
            met: timing.ours <= TARGET_MS,
          },
        ],
        notes: [
          `The median of ${ROUNDS} alternating rounds; ours is \`node analyze-files.js <files>\` loading ` +
            `the built package, Node's start-up and the parser's WebAssembly included (the analysis ` +
            `itself: ${Math.round(analysisOnly)} ms).`,
          `No target was set for this figure before this table: ${TARGET_MS} ms for a whole history is ` +
            `the one proposed. Where the two tools agree and disagree: docs/safety-benchmark.md.`,
        ],
        documents: [
          {
            file: 'docs/safety-benchmark.md',
            markdown: render(parser, files.length, { ...timing, analysisOnly }, ourHits, squawkHits, squawkOnlyRules),
          },
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** umami's real history, the billing example, and a generated Prisma-style history: 174 migrations. */
function corpus(dir: string): string[] {
  const histories = [
    path.join(REPO_ROOT, 'fixtures', 'umami', 'prisma', 'migrations'),
    path.join(REPO_ROOT, 'examples', 'billing', 'prisma', 'migrations'),
  ];
  const files: string[] = [];
  histories.forEach((history, index) => {
    const copy = path.join(dir, `history-${index}`);
    cpSync(history, copy, { recursive: true });
    files.push(...migrationFiles(copy));
  });
  const generated = path.join(dir, 'generated');
  generateHistory(generated, GENERATED);
  files.push(...migrationFiles(generated));
  return files;
}

function migrationFiles(history: string): string[] {
  return readdirSync(history, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(history, entry.name, 'migration.sql'))
    .sort();
}

function run(command: string, args: string[]): { ms: number; stdout: string; stderr: string } {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const ms = performance.now() - started;
  // squawk exits 1 when it reports anything; only a crash is a failure here.
  if (result.error || result.status === null || result.status > 1) throw new Error(`${command} failed: ${result.error ?? result.stderr}`);
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

/** The 1-based statement a 1-based line of a file falls in. */
function statementLocator(parser: SqlParser, files: string[]): (file: string, line: number) => number {
  const starts = new Map<string, number[]>();
  for (const file of files) {
    const sql = readFileSync(file, 'utf8');
    starts.set(
      file,
      parser.parseScript(sql).map((statement) => sql.slice(0, statement.start).split('\n').length),
    );
  }
  return (file, line) => {
    const lines = starts.get(file) ?? [];
    let index = 0;
    while (index + 1 < lines.length && lines[index + 1] <= line) index++;
    return index + 1;
  };
}

function hitsOf(file: string, concepts: typeof CONCEPTS, statement: number): Hit[] {
  return concepts.map((c) => ({ file, statement: c.concept.endsWith('(per migration)') ? 0 : statement, concept: c.concept }));
}

function keys(hits: Hit[], concept: string): Set<string> {
  return new Set(hits.filter((hit) => hit.concept === concept).map((hit) => `${hit.file}\0${hit.statement}`));
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

function example(parser: SqlParser, key: string | undefined): string {
  if (!key) return '';
  const [file, statement] = key.split('\0');
  const sql = readFileSync(file, 'utf8');
  const text = parser.parseScript(sql)[Math.max(0, Number(statement) - 1)]?.text.replace(/\s+/g, ' ') ?? '';
  const where = file
    .split(path.sep)
    .slice(-3)
    .join('/')
    .replace(/^history-\d\//, '');
  return `\`${where.replace(/\/migration\.sql$/, '')}\`${statement === '0' ? '' : `: \`${text.length > 70 ? `${text.slice(0, 67)}...` : text}\``}`;
}

function render(
  parser: SqlParser,
  count: number,
  timing: { ours: number; peer: number; analysisOnly: number },
  ours: Hit[],
  squawk: Hit[],
  squawkOnlyRules: Map<string, number>,
): string {
  const rows = CONCEPTS.map(({ concept }) => {
    const a = keys(ours, concept);
    const b = keys(squawk, concept);
    const both = [...a].filter((key) => b.has(key));
    const oursOnly = [...a].filter((key) => !b.has(key));
    const squawkOnly = [...b].filter((key) => !a.has(key));
    return (
      `| ${concept} | ${both.length} | ${oursOnly.length}` +
      `${oursOnly.length ? ` (e.g. ${example(parser, oursOnly[0])})` : ''} | ${squawkOnly.length}` +
      `${squawkOnly.length ? ` (e.g. ${example(parser, squawkOnly[0])})` : ''} |`
    );
  });
  return [
    '# Safety analysis beside squawk',
    '',
    'Measured by `npm run bench` with every other benchmark (alone: `npm run bench:safety`; ' +
      "tools/bench/safety-analysis.ts), on the same files: umami's 19 real migrations,",
    `the billing example's 5 and ${GENERATED} generated Prisma-style migrations (${count} in all, analysed as histories).`,
    `Each tool is one command over all files, the median of ${ROUNDS} alternating rounds. Machine: ${machine()}.`,
    '',
    '| command | wall time | ratio |',
    '|---|---:|---:|',
    `| ours: \`node analyze-files.js <files>\` (Node start, libpg-query's WebAssembly, every rule) ` +
      `| ${Math.round(timing.ours)} ms | ${(timing.ours / timing.peer).toFixed(2)}× |`,
    `| ours, of which reading and analysing the files (measured inside the process) ` +
      `| ${Math.round(timing.analysisOnly)} ms | ${(timing.analysisOnly / timing.peer).toFixed(2)}× |`,
    `| squawk 2.66: \`squawk --reporter json --assume-in-transaction <files>\` (native binary) | ${Math.round(timing.peer)} ms | 1.00× |`,
    '',
    'Where the two agree and disagree, per statement (per migration for lock_timeout), on the concepts both check:',
    '',
    '| concept | both | ours only | squawk only |',
    '|---|---:|---|---|',
    ...rows,
    '',
    ...whyLines(ours, squawk),
    `squawk rules with no counterpart here (statement_timeout, and preferred types such as text ` +
      `over varchar, bigint over int, ` +
      `timestamptz): ${[...squawkOnlyRules].map(([rule, n]) => `${rule} (${n})`).join(', ') || 'none'}.`,
    '',
  ].join('\n');
}

function whyLines(ours: Hit[], squawk: Hit[]): string[] {
  const lines: string[] = [];
  for (const { concept, why } of CONCEPTS) {
    const a = keys(ours, concept);
    const b = keys(squawk, concept);
    if (why?.oursOnly && [...a].some((key) => !b.has(key))) lines.push(`- **${concept}, ours only.** ${why.oursOnly}`);
    if (why?.squawkOnly && [...b].some((key) => !a.has(key))) lines.push(`- **${concept}, squawk only.** ${why.squawkOnly}`);
  }
  return lines.length ? ['Why:', '', ...lines, ''] : [];
}
