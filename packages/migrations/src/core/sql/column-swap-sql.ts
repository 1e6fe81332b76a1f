import type { ColumnSwap } from '../changes/column-swap';
import { quoteIdentifier, quoteLiteral } from './quote';

function names(swap: ColumnSwap) {
  const base = `${swap.table}_${swap.column}`.slice(0, 40);
  return {
    table: quoteIdentifier(swap.table),
    column: quoteIdentifier(swap.column),
    temp: quoteIdentifier(swap.tempColumn),
    fn: quoteIdentifier(`${base}_forge_sync`),
    trigger: quoteIdentifier(`${base}_forge_sync`),
  };
}

/** Expand: a trigger that fills the new column on every write, while the data step fills the old rows. */
export function syncTrigger(swap: ColumnSwap): string[] {
  const n = names(swap);
  return [
    // A value that does not convert leaves the new column empty instead of failing the write:
    // the data step then reports it, and the contract migration refuses to run until it is fixed.
    `CREATE FUNCTION ${n.fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    SELECT (${swap.using}) INTO NEW.${n.temp} FROM (SELECT NEW.*) AS ${n.table};
  EXCEPTION WHEN OTHERS THEN
    NEW.${n.temp} := NULL;
  END;
  RETURN NEW;
END;
$$;`,
    `CREATE TRIGGER ${n.trigger} BEFORE INSERT OR UPDATE OF ${n.column} ON ${n.table} FOR EACH ROW EXECUTE FUNCTION ${n.fn}();`,
  ];
}

export function dropSyncTrigger(swap: ColumnSwap): string[] {
  const n = names(swap);
  return [`DROP TRIGGER ${n.trigger} ON ${n.table};`, `DROP FUNCTION ${n.fn}();`];
}

/**
 * Contract: refuse to run while rows are not copied yet (the data step of the expand migration
 * was skipped, e.g. by `prisma migrate deploy`), then swap the columns.
 */
export function swapColumns(swap: ColumnSwap): string[] {
  const n = names(swap);
  const message =
    `${swap.table}.${swap.column}: rows are not copied into ${swap.tempColumn} yet; run the data ` +
    `step (data-migration.ts) of the expand migration first`;
  return [
    `DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM ${n.table} WHERE ${n.column} IS NOT NULL AND ${n.temp} IS NULL) THEN
    RAISE EXCEPTION ${quoteLiteral(message)};
  END IF;
END
$$;`,
    ...dropSyncTrigger(swap),
    `-- forge-ignore DS102: its values live on, converted, in ${swap.tempColumn} (copied by the expand migration's data step, checked above)`,
    `ALTER TABLE ${n.table} DROP COLUMN ${n.column};`,
    `-- forge-ignore BC102: the converted copy takes the column's own name; code keeps using ${swap.column}`,
    `ALTER TABLE ${n.table} RENAME COLUMN ${n.temp} TO ${n.column};`,
  ];
}

/**
 * The data step's statements: one batch of the copy, and the count of rows left to copy. A row
 * whose value converts to NULL is not picked again (the loop would never end); validate reports it.
 */
export function copyBatch(swap: ColumnSwap): string {
  const n = names(swap);
  return (
    `UPDATE ${n.table} SET ${n.temp} = (${swap.using}) WHERE ctid IN (SELECT ctid FROM ${n.table} ` +
    `WHERE ${n.column} IS NOT NULL AND ${n.temp} IS NULL AND (${swap.using}) IS NOT NULL LIMIT $1 ` +
    `FOR UPDATE SKIP LOCKED)`
  );
}

export function clearBatch(swap: ColumnSwap): string {
  const n = names(swap);
  return `UPDATE ${n.table} SET ${n.temp} = NULL WHERE ctid IN (SELECT ctid FROM ${n.table} WHERE ${n.temp} IS NOT NULL LIMIT $1 FOR UPDATE SKIP LOCKED)`;
}

export function rowsLeft(swap: ColumnSwap): string {
  const n = names(swap);
  return `SELECT count(*)::int AS "left" FROM ${n.table} WHERE ${n.column} IS NOT NULL AND ${n.temp} IS NULL`;
}
