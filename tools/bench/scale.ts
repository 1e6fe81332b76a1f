/**
 * The 50-venture workspace (issue 7's scale e2e, measured): 50 copies of the billing example in an
 * installed workspace, tested once on the shared PostgreSQL server to fill Nx's cache, then
 *  - after a commit that touches one venture's migration, `nx affected -t migrate-test` beside
 *    `nx run <that venture>:migrate-test --skip-nx-cache` (the one task alone): what finding the
 *    affected venture among 50 adds;
 *  - an identical `nx run-many -t migrate-test` of all 50 (every task from the cache) beside the
 *    same run-many of a cached no-op target of the 50 projects: what restoring our outputs adds.
 */
import { performance } from 'node:perf_hooks';
import { E2eWorkspace } from '../../e2e/migrations-e2e/src/workspace';
import type { Benchmark } from './benchmark';
import { median } from './timing';

const VENTURES = Array.from({ length: 50 }, (_, index) => `scale-${String(index + 1).padStart(2, '0')}`);
const TOUCHED = VENTURES[16];
const ROUNDS = 3;

export const scale: Benchmark = {
  name: 'scale',
  section: 'Workspace of 50 ventures',
  async run(context) {
    const workspace = E2eWorkspace.create();
    try {
      for (const name of VENTURES) {
        workspace.addVenture(name);
        // A cached no-op target per venture: the peer of the fully cached run.
        workspace.write(
          `ventures/${name}/project.json`,
          JSON.stringify({
            name,
            projectType: 'application',
            targets: { noop: { executor: 'nx:run-commands', cache: true, options: { command: 'node -e ""' } } },
          }),
        );
      }
      workspace.git('add', '-A');
      workspace.git('commit', '-qm', '50 ventures');
      const env = { TEST_DATABASE_URL: context.databaseUrl() };
      const nx = (args: string[]) => {
        const started = performance.now();
        const result = workspace.nx([...args, '--outputStyle=static'], env);
        if (result.code !== 0) throw new Error(`nx ${args.join(' ')} failed:\n${result.output.slice(-3000)}`);
        return { ms: performance.now() - started, output: result.output };
      };
      const cold = nx(['run-many', '-t', 'migrate-test', '--parallel=4']);
      nx(['run-many', '-t', 'noop', '--parallel=4']);

      const cached = { ours: [] as number[], peer: [] as number[] };
      const affected = { ours: [] as number[], peer: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        cached.peer.push(nx(['run-many', '-t', 'noop', '--parallel=4']).ms);
        const run = nx(['run-many', '-t', 'migrate-test', '--parallel=4']);
        if (!/for 50 out of 50 tasks/.test(run.output)) {
          const ran = run.output
            .split('\n')
            .filter((line) => /^> nx run \S+:migrate-test/.test(line) && !/cache|existing outputs/.test(line));
          throw new Error(
            `the identical run was not fully cached: ${ran.join('; ')}\n${run.output
              .split('\n')
              .filter((line) => /cache/i.test(line))
              .join('\n')}`,
          );
        }
        cached.ours.push(run.ms);

        workspace.write(
          `ventures/${TOUCHED}/prisma/migrations/20240101090000_init/migration.sql`,
          `${workspace.read(`ventures/${TOUCHED}/prisma/migrations/20240101090000_init/migration.sql`)}\n-- round ${round}\n`,
        );
        workspace.git('commit', '-qam', `touch ${TOUCHED}, round ${round}`);
        const one = nx(['affected', '-t', 'migrate-test', '--base=HEAD~1', '--head=HEAD']);
        if (!new RegExp(`Successfully ran target migrate-test for project ${TOUCHED}`).test(one.output))
          throw new Error(`affected did not run ${TOUCHED} alone:\n${one.output.slice(-2000)}`);
        affected.ours.push(one.ms);
        affected.peer.push(nx(['run', `${TOUCHED}:migrate-test`, '--skip-nx-cache']).ms);
      }
      const ours = { cached: median(cached.ours), affected: median(affected.ours) };
      const peer = { cached: median(cached.peer), affected: median(affected.peer) };
      return {
        rows: [
          {
            name: 'nx affected -t migrate-test after a commit touching 1 of 50 ventures',
            ours: ours.affected,
            peer: peer.affected,
            peerName: "that venture's migrate-test alone, uncached",
            unit: 'ms',
            target: '≤ peer + 1000 ms',
            met: ours.affected - peer.affected <= 1000,
          },
          {
            name: 'identical run-many -t migrate-test of 50 ventures (all from the cache)',
            ours: ours.cached,
            peer: peer.cached,
            peerName: 'run-many of a cached no-op target of the 50',
            unit: 'ms',
            target: '≤ 1.5× peer',
            met: ours.cached <= 1.5 * peer.cached,
          },
        ],
        notes: [
          `The 50 ventures' first run (\`nx run-many -t migrate-test --parallel=4\` on one PostgreSQL ` +
            `server, each in its own throwaway database) took ${(cold.ms / 1000).toFixed(1)} s; it fills ` +
            `the cache the rows then use (median of ${ROUNDS} rounds each).`,
        ],
      };
    } finally {
      workspace.dispose();
    }
  },
};
