import { ForgeError } from '../errors';
import type { SchemaFile } from '../schema-compat';

/** Prisma's own reading of a schema (DMMF), for what the generator and the docs need of it. */
export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationName?: string | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}

export interface DmmfEnum {
  name: string;
  values: Array<{ name: string; dbName: string | null }>;
}

export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  isDefinedOnField: boolean;
  name?: string;
  dbName?: string;
  fields: Array<{ name: string }>;
}

export interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

export const PRISMA_SCALARS = ['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes'];

const recent = new Map<string, Datamodel>();

/** Read a schema as Prisma does; an invalid schema is refused with Prisma's own messages. */
export function readDatamodel(files: SchemaFile[]): Datamodel {
  const key = JSON.stringify(files);
  const known = recent.get(key);
  if (known) return known;
  const datamodel = readDatamodelUncached(files);
  if (recent.size > 16) recent.delete(recent.keys().next().value!);
  recent.set(key, datamodel);
  return datamodel;
}

function readDatamodelUncached(files: SchemaFile[]): Datamodel {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { get_dmmf } = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  try {
    const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: files.map((file) => [file.path, file.content]) })));
    return dmmf.datamodel as Datamodel;
  } catch (error) {
    throw new ForgeError(
      'SCHEMA_INVALID',
      `The Prisma schema is invalid:\n${prismaErrorText(error)}`,
      'Run `prisma validate` and fix what it reports.',
    );
  }
}

function prismaErrorText(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  let message = raw;
  try {
    message = JSON.parse(raw).message ?? raw;
  } catch {
    // not JSON: keep the text
  }
  // eslint-disable-next-line no-control-regex -- the engine's message carries terminal colour codes
  const uncoloured = message.replace(/\u001b\[[0-9;]*m/g, '');
  return uncoloured.replace(/\n\nValidation Error Count: \d+\s*$/, '').trim();
}

/** A model by its Prisma name or its table name. */
export function findModel(datamodel: Datamodel, nameOrTable: string): DmmfModel | undefined {
  return datamodel.models.find((model) => model.name === nameOrTable) ?? datamodel.models.find((model) => model.dbName === nameOrTable);
}

/** A field by its Prisma name or its column name. */
export function findField(model: DmmfModel, nameOrColumn: string): DmmfField | undefined {
  return model.fields.find((field) => field.name === nameOrColumn) ?? model.fields.find((field) => field.dbName === nameOrColumn);
}

export function tableName(model: DmmfModel): string {
  return model.dbName ?? model.name;
}

export function columnName(field: DmmfField): string {
  return field.dbName ?? field.name;
}
