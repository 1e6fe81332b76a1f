import { logger, readNxJson, type Tree } from '@nx/devkit';
import { stringify } from 'yaml';
import { type CiOptions, githubWorkflow, gitlabPipeline } from '../../core/ci/workflows';
import { ForgeError } from '../../core/errors';
import { CI_DEFAULTS } from '../../defaults';
import { environmentUrlEnv } from '../../plugins/project-targets';
import { withForgeErrors } from '../shared/forge-errors';
import type { CiGeneratorSchema } from './schema';

const FILES = { github: '.github/workflows/migrations.yml', gitlab: '.gitlab-ci.yml' } as const;

/** `nx g @forge/migrations:ci`: the migrations pipeline for GitHub Actions or GitLab CI. */
export default async function ciGenerator(tree: Tree, options: CiGeneratorSchema): Promise<void> {
  await withForgeErrors(async () => {
    const provider = options.provider ?? CI_DEFAULTS.provider;
    const environments = options.environments ?? [...CI_DEFAULTS.environments];
    const invalid = environments.find((name) => !/^[a-z][a-z0-9-]*$/.test(name));
    if (invalid !== undefined || environments.length === 0) {
      throw new ForgeError(
        'INVALID_OPTION',
        `--environments must name at least one environment, each in lower case (letters, digits, -): "${invalid ?? ''}" is not one. Nothing was written.`,
        'For example: --environments=staging,production',
      );
    }
    const ci: CiOptions = {
      mainBranch: options.mainBranch ?? readNxJson(tree)?.defaultBase ?? 'main',
      nodeVersion: options.nodeVersion ?? CI_DEFAULTS.nodeVersion,
      postgresVersion: options.postgresVersion ?? CI_DEFAULTS.postgresVersion,
      environments: environments.map((name) => ({ name, urlEnv: environmentUrlEnv(name) })),
      webhookEnv: options.webhookEnv ?? CI_DEFAULTS.webhookEnv,
    };
    const file = FILES[provider];
    if (tree.exists(file) && provider === 'gitlab') {
      throw new ForgeError(
        'INVALID_OPTION',
        `${file} exists: nothing was written, GitLab reads one pipeline file.`,
        'Merge the jobs by hand: run the generator in an empty folder (or --dry-run) to see them.',
      );
    }
    const header = `# Written by nx g @forge/migrations:ci. Secrets: ${ci.environments.map(({ urlEnv }) => urlEnv).join(', ')}, ${ci.webhookEnv}.\n`;
    tree.write(file, header + stringify(provider === 'github' ? githubWorkflow(ci) : gitlabPipeline(ci), { lineWidth: 0 }));
    logger.info(
      `Each environment's database URL goes in a CI secret: ${ci.environments.map(({ name, urlEnv }) => `${urlEnv} (${name})`).join(', ')}.`,
    );
  });
}
