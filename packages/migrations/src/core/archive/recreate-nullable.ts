import { escapeRegExp } from '../sql/ddl';
import { quotedName } from '../sql/qualified-name';
import { quoteIdentifier } from '../sql/quote';
import type { Statement } from '../sql/statements';
import type { ArchiveTarget } from './archive-targets';

/**
 * A down that adds back a dropped NOT NULL column without a default cannot run on a table holding
 * rows. Add it nullable, and make it NOT NULL at the end of the down, once the archive's restore
 * (which goes right after the ADD COLUMN) has put the values back.
 */
export function recreateNullable(down: string, statements: readonly Statement[], targets: readonly ArchiveTarget[]): string {
  const columns = targets.filter((target) => target.kind === 'column' && !target.retypedTo);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const setNotNull: string[] = [];
  for (const statement of statements) {
    if (statement.kind !== 'alter_table') continue;
    let text = statement.source.text;
    for (const change of statement.changes) {
      if (change.kind !== 'add_column' || !change.notNull || change.hasDefault) continue;
      const target = columns.find(
        (candidate) => candidate.kind === 'column' && candidate.column === change.column && candidate.table.name === statement.table.name,
      );
      if (!target) continue;
      const clause = new RegExp(
        `(ADD\\s+(?:COLUMN\\s+)?${escapeRegExp(quoteIdentifier(change.column))}\\s+(?:[^,(]|\\([^)]*\\))*?)\\s+NOT\\s+NULL`,
        'i',
      );
      if (!clause.test(text)) continue;
      text = text.replace(clause, '$1');
      setNotNull.push(`ALTER TABLE ${quotedName(statement.table)} ALTER COLUMN ${quoteIdentifier(change.column)} SET NOT NULL;`);
    }
    if (text !== statement.source.text) edits.push({ start: statement.source.start, end: statement.source.end, text });
  }
  if (setNotNull.length === 0) return down;
  let out = down;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = `${out.slice(0, edit.start)}${edit.text}${out.slice(edit.end)}`;
  return `${out.trimEnd()}\n\n-- NOT NULL again, once the archived values are back\n${setNotNull.join('\n')}\n`;
}
