// The plugin's safety analysis as a command, for the side-by-side benchmark with squawk: reads the
// migration files named on the command line (a history, in order) and prints the findings as JSON.
// It loads the built package (npm run build), as a user's Nx task would.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const dist = path.resolve(__dirname, '../../dist/packages/migrations/src');
const { loadSqlParser } = require(path.join(dist, 'core/sql/parser'));
const { analyzeHistory } = require(path.join(dist, 'core/safety/analyze'));

async function main() {
  const parser = await loadSqlParser();
  const started = performance.now();
  const migrations = process.argv.slice(2).map((file) => ({ name: file, sql: readFileSync(file, 'utf8') }));
  const findings = analyzeHistory(parser, migrations).flat();
  // Time spent reading and analysing, without Node's and the parser's start-up: for the benchmark.
  process.stderr.write(JSON.stringify({ analysisMs: performance.now() - started }));
  process.stdout.write(JSON.stringify(findings));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
