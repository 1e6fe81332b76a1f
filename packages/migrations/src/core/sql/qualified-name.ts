import type { NameList, RangeVar } from './ast';
import { quoteIdentifier } from './quote';

/** A table's (or type's, index's) name as written: the schema when the statement names it. */
export interface QualifiedName {
  schema?: string;
  name: string;
}

/** `schema.table`, an unqualified name taken to be in `public`: the key the integrity check compares. */
export function schemaTable(name: QualifiedName): string {
  return `${name.schema ?? 'public'}.${name.name}`;
}

/** The name as SQL: each part quoted, the schema only when it was written. */
export function quotedName(name: QualifiedName): string {
  return [name.schema, name.name]
    .filter((part): part is string => part !== undefined)
    .map(quoteIdentifier)
    .join('.');
}

/** The last two parts of a dotted name, e.g. `["public", "User"]`. */
export function nameFromParts(parts: readonly string[]): QualifiedName {
  return parts.length > 1 ? { schema: parts[parts.length - 2], name: parts[parts.length - 1] } : { name: parts[0] ?? '' };
}

export function relationName(relation: RangeVar | undefined): QualifiedName {
  return { schema: relation?.schemaname, name: relation?.relname ?? '?' };
}

/** The string values of a list of name nodes, e.g. `["public", "User"]`. */
export function names(items: NameList | undefined): string[] {
  return (items ?? []).map((item) => item.String?.sval).filter(Boolean) as string[];
}
