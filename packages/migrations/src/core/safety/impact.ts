import type { Finding } from './analyze';

/** How big the table a finding is about is, and so how careful its rollout must be. */
export type ImpactTier = 'direct' | 'migration window' | 'maintenance window' | 'online migration' | 'size unknown';

export interface Impact {
  tier: ImpactTier;
  /** Live estimate (pg_class.reltuples), or an exact count for a table never analyzed. */
  rows?: number;
  /** pg_total_relation_size: table, indexes and TOAST. */
  bytes?: number;
  /** Why the size is unknown, or what the tier suggests. */
  note: string;
}

export function impactOf(rows: number, bytes: number): Impact {
  if (rows < 10_000) return { tier: 'direct', rows, bytes, note: 'small: apply directly' };
  if (rows < 100_000) return { tier: 'migration window', rows, bytes, note: 'apply in a migration window' };
  if (rows < 1_000_000) return { tier: 'maintenance window', rows, bytes, note: 'apply in a maintenance window' };
  return { tier: 'online migration', rows, bytes, note: 'too large to lock: use the batched expand/contract path' };
}

export function unknownImpact(note = 'no database configured'): Impact {
  return { tier: 'size unknown', note };
}

export function describeImpact(impact: Impact | undefined): string {
  if (!impact || impact.rows === undefined) return `size unknown${impact ? ` (${impact.note})` : ''}`;
  return `~${impact.rows.toLocaleString('en-US')} rows, ${formatBytes(impact.bytes ?? 0)}: ${impact.tier}`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** A finding with its table's size: what reports and docs show. */
export type AssessedFinding = Finding & { impact: Impact };
