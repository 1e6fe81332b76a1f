/**
 * The rows of a table as one order-independent checksum: the sum of a 60-bit hash of each row
 * as JSON (keys sorted, so the order of its columns does not count: a column dropped and added
 * back holds the same values). `alias` names the table in the FROM clause.
 */
export function rowsChecksum(alias: string): string {
  return `coalesce(sum(('x' || substr(md5(to_jsonb(${alias})::text), 1, 15))::bit(60)::bigint), 0)::text`;
}
