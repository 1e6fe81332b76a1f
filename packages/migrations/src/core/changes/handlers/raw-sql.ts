import type { Change } from '../change';
import type { ChangeContext } from '../context';

/** SQL for what Prisma's schema cannot express: appended to the up script, its down put first in the down script. */
export function rawSql(change: Extract<Change, { kind: 'sql' }>, ctx: ChangeContext): void {
  ctx.plan.upAppendix.push(change.up.trim());
  if (change.down !== undefined) ctx.plan.downAppendix.unshift(change.down.trim());
  if (change.irreversible) ctx.plan.irreversible.push(change.irreversible);
  ctx.plan.summary.push(`Raw SQL${change.irreversible ? ` (irreversible: ${change.irreversible})` : ''}`);
}
