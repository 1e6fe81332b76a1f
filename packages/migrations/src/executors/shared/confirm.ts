import { logger } from '@nx/devkit';
import { type ForgeErrorCode, ForgeError } from '../../core/errors';
import type { DatabaseRun } from './database-run';

/**
 * Print what is about to happen; then --yes, a yes typed at the terminal, or a refusal (`code`)
 * when there is no terminal to ask. `nothing` says what was not done.
 */
export async function confirmAtTerminal(
  run: DatabaseRun,
  ask: { impact: string[]; yes: boolean; question: string; nothing: string; code: ForgeErrorCode },
): Promise<boolean> {
  for (const line of ask.impact) run.log(line);
  if (ask.yes) return true;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new ForgeError(
      ask.code,
      `This needs a confirmation, and there is no terminal to ask: ${ask.nothing}.`,
      'Read the impact above, then run again with --yes.',
    );
  }
  const { default: confirm } = await import('@inquirer/confirm');
  const answer = await confirm({ message: ask.question, default: false });
  run.log(`confirmation: ${answer ? 'yes' : 'no'}`);
  if (!answer) logger.info(`${ask.nothing[0].toUpperCase()}${ask.nothing.slice(1)}.`);
  return answer;
}
