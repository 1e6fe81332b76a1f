/**
 * The typed change model: what a descriptor asks for, before it is checked against a schema.
 * Model names are as given (a Prisma model name or its mapped table name) until resolved.
 */
export const CHANGE_TYPES = [
  'add_column',
  'remove_column',
  'modify_column',
  'add_index',
  'remove_index',
  'add_table',
  'remove_table',
  'add_relation',
  'remove_relation',
  'rename',
  'sql',
] as const;

export type ChangeType = (typeof CHANGE_TYPES)[number];

/** A literal, or one of Prisma's default functions written as in the schema (`now()`, `dbgenerated("...")`). */
export type DefaultValue = string | number | boolean;

export interface ColumnSpec {
  name: string;
  /** A Prisma scalar, an enum of the schema, or a list of either (`String[]`). */
  type: string;
  optional: boolean;
  default?: DefaultValue;
  unique: boolean;
  /** The database column name, when it differs from the field name. */
  map?: string;
  /** A native type attribute without `@db.`, e.g. `VarChar(255)`. */
  nativeType?: string;
}

export type ReferentialAction = 'Cascade' | 'Restrict' | 'NoAction' | 'SetNull' | 'SetDefault';

export type Change =
  | { kind: 'add_column'; target: string; columns: ColumnSpec[] }
  | { kind: 'remove_column'; target: string; columns: string[] }
  | {
      kind: 'modify_column';
      target: string;
      column: string;
      type?: string;
      optional?: boolean;
      /** `null` removes the default. */
      default?: DefaultValue | null;
      /** A native type attribute for the new type, without `@db.`. */
      nativeType?: string;
      using?: string;
    }
  | { kind: 'add_index'; target: string; columns: string[]; unique: boolean; name?: string; concurrently: boolean }
  | { kind: 'remove_index'; target: string; name?: string; columns?: string[] }
  | { kind: 'add_table'; target: string; columns: ColumnSpec[]; primaryKey?: string[]; tenantScoped: boolean }
  | { kind: 'remove_table'; target: string }
  | {
      kind: 'add_relation';
      target: string;
      field: string;
      references: string;
      fields: string[];
      referencedFields: string[];
      onDelete?: ReferentialAction;
      onUpdate?: ReferentialAction;
      backRelationField?: string;
    }
  | { kind: 'remove_relation'; target: string; field: string }
  | { kind: 'rename_column'; target: string; column: string; to: string; keepModelName: boolean }
  | { kind: 'rename_table'; target: string; to: string; keepModelName: boolean }
  | { kind: 'sql'; up: string; down?: string; irreversible?: string };

/** What the generator is asked for: one migration made of one or more changes. */
export interface ChangeRequest {
  migrationName?: string;
  changes: Change[];
}
