import { quoteIdentifier, quoteLiteral } from './quote';

/**
 * The SQL the generator writes itself, where intent demands something other than what Prisma's
 * engine would generate: renames (never drop + add) and what Prisma's schema cannot express.
 */
export function renameColumn(table: string, from: string, to: string): string {
  return `ALTER TABLE ${quoteIdentifier(table)} RENAME COLUMN ${quoteIdentifier(from)} TO ${quoteIdentifier(to)};`;
}

export function renameTable(from: string, to: string): string {
  return `ALTER TABLE ${quoteIdentifier(from)} RENAME TO ${quoteIdentifier(to)};`;
}

export function tenantPolicyName(table: string): string {
  return `${table}_tenant_isolation`;
}

/** Row-level security: a row is visible and writable only under its tenant's `app.tenant_id`. */
export function enableTenantIsolation(table: string, tenantColumn: string): string[] {
  const condition = `${quoteIdentifier(tenantColumn)} = current_setting(${quoteLiteral('app.tenant_id')}, true)`;
  return [
    `ALTER TABLE ${quoteIdentifier(table)} ENABLE ROW LEVEL SECURITY;`,
    `CREATE POLICY ${quoteIdentifier(tenantPolicyName(table))} ON ${quoteIdentifier(table)} USING (${condition}) WITH CHECK (${condition});`,
  ];
}

export function disableTenantIsolation(table: string): string[] {
  return [
    `DROP POLICY ${quoteIdentifier(tenantPolicyName(table))} ON ${quoteIdentifier(table)};`,
    `ALTER TABLE ${quoteIdentifier(table)} DISABLE ROW LEVEL SECURITY;`,
  ];
}

/**
 * Turn the engine's `CREATE [UNIQUE] INDEX "name"` and `DROP INDEX "name"` of the named indexes
 * into their CONCURRENTLY forms, which do not block writes while they build.
 */
export function makeIndexesConcurrent(sql: string, indexNames: readonly string[]): string {
  let result = sql;
  for (const name of indexNames) {
    const quoted = escapeRegExp(quoteIdentifier(name));
    result = result
      .replace(
        new RegExp(`CREATE (UNIQUE )?INDEX ${quoted}`, 'g'),
        (_, unique = '') => `CREATE ${unique}INDEX CONCURRENTLY ${quoteIdentifier(name)}`,
      )
      .replace(new RegExp(`DROP INDEX (?:"[^"]+"\\.)?${quoted}`, 'g'), `DROP INDEX CONCURRENTLY ${quoteIdentifier(name)}`);
  }
  return result;
}

/** A down script that refuses to run, for a change that cannot be undone without loss. */
export function irreversibleDown(
  reasons: readonly string[],
  instead = 'Restore the backup taken before the deploy instead (see README.md of this migration).',
): string {
  const reason = reasons.join('; ');
  return [
    `-- forge:irreversible: ${reason.replace(/\n/g, ' ')}`,
    `-- ${instead}`,
    `DO $$ BEGIN RAISE EXCEPTION ${quoteLiteral(`irreversible migration: ${reason}`)}; END $$;`,
    '',
  ].join('\n');
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
