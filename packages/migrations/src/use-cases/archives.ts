import type { StatusReport } from '../core/deploy/status-report';
import type { DeployTarget } from '../adapters/db/deploy-target';
import { keptArchives, purgeArchives } from './shared/archive-registry';

export interface ArchivesInput {
  target: DeployTarget;
  /** Drop the archives past their retention (`expired`), or every one kept (`all`, once confirmed). */
  purge?: 'expired' | 'all';
  /** Asked before `all` is purged, with the archives it would drop; false purges nothing. */
  confirm: (archives: StatusReport['archives']) => Promise<boolean>;
}

export interface ArchivesResult {
  /** What is kept after the run. */
  kept: StatusReport['archives'];
  purged: string[];
  declined?: boolean;
}

/**
 * `migrate-archives`: the archives of what deploys and rollbacks dropped that a rollback can still
 * put back, and their purge ahead of the next deploy (which purges the expired ones anyway).
 */
export async function manageArchives(input: ArchivesInput): Promise<ArchivesResult> {
  const { database } = input.target;
  if (!input.purge) return { kept: await keptArchives(database), purged: [] };
  if (input.purge === 'all') {
    const kept = await keptArchives(database);
    if (kept.length && !(await input.confirm(kept))) return { kept, purged: [], declined: true };
  }
  const purged = await purgeArchives(database, input.purge);
  return { kept: await keptArchives(database), purged };
}
