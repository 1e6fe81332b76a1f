import type { Datamodel } from '../../schema/datamodel';
import type { ColumnSpec, DefaultValue } from '../change';

type Arg = string | { name: string; function?: Arg[] };

/** A field's type as schema.prisma writes it: `Json?`, `String[]`, `Role`. */
export function fieldTypeText(spec: Pick<ColumnSpec, 'type' | 'optional'>): string {
  const list = spec.type.endsWith('[]');
  return list || !spec.optional ? spec.type : `${spec.type}?`;
}

const FUNCTION_DEFAULT = /^(now|uuid|cuid|autoincrement|nanoid|ulid|sequence)\(\)$/;
const DB_GENERATED = /^dbgenerated\((".*")\)$/s;

/** The argument of `@default(...)`: a function, an enum value, or a literal. */
export function defaultArg(value: DefaultValue, type: string, datamodel: Datamodel): Arg {
  if (typeof value !== 'string') return String(value);
  const fn = FUNCTION_DEFAULT.exec(value);
  if (fn) return { name: fn[1] };
  const generated = DB_GENERATED.exec(value);
  if (generated) return { name: 'dbgenerated', function: [generated[1]] };
  const isEnum = datamodel.enums.some((e) => e.name === type.replace(/\[\]$/, ''));
  return isEnum ? value : JSON.stringify(value);
}

/** `VarChar(255)` -> the attribute `db.VarChar` with the argument `255`. */
export function nativeTypeAttribute(nativeType: string): { name: string; args: string[] } {
  const match = /^([A-Za-z][A-Za-z0-9]*)(?:\((.*)\))?$/.exec(nativeType)!;
  return { name: `db.${match[1]}`, args: match[2] ? match[2].split(',').map((arg) => arg.trim()) : [] };
}
