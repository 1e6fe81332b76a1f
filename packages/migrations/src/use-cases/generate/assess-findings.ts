import type { Finding } from '../../core/safety/analyze';
import { type AssessedFinding, unknownImpact } from '../../core/safety/impact';
import { PgDatabase } from '../../adapters/db/pg-database';
import { measureImpact } from './table-impact';

export interface ImpactSource {
  /** The database to measure, when one is configured. */
  url?: string;
  /** The environment variable it came from (named in messages, never the URL). */
  source: string;
}

/**
 * Every finding with its table's live size from the configured database; "size unknown" without
 * one, never a guess.
 */
export async function assessFindings(findings: Finding[], database: ImpactSource): Promise<AssessedFinding[]> {
  if (!database.url || findings.length === 0) {
    return findings.map((finding) => ({
      ...finding,
      impact: unknownImpact(database.url ? 'no finding' : `${database.source} is not set`),
    }));
  }
  const connection = await PgDatabase.connect({ url: database.url, source: database.source });
  try {
    const impacts = await measureImpact(
      connection,
      findings.flatMap((finding) => (finding.table ? [finding.table] : [])),
    );
    return findings.map((finding) => ({
      ...finding,
      impact: (finding.table && impacts.get(finding.table)) || unknownImpact('not about a table'),
    }));
  } finally {
    await connection.close();
  }
}
