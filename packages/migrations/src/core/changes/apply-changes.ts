import { ForgeError } from '../errors';
import { makeSchemaCompatible, type SchemaFile } from '../schema-compat';
import { type Datamodel, readDatamodel } from '../schema/datamodel';
import { prismaFormat } from '../schema/prisma-format';
import { SchemaDocument } from '../schema/schema-document';
import type { Change } from './change';
import { ChangeContext } from './context';
import { addColumn, modifyColumn, removeColumn, renameColumnChange } from './handlers/columns';
import { addIndex, removeIndex } from './handlers/indexes';
import { rawSql } from './handlers/raw-sql';
import { addRelation, removeRelation } from './handlers/relations';
import { addTable, removeTable, renameTableChange } from './handlers/tables';
import { type ChangePlan, emptyPlan } from './change-plan';

type Handler = (change: never, ctx: ChangeContext) => void;

const HANDLERS: Record<Change['kind'], Handler> = {
  add_column: addColumn,
  remove_column: removeColumn,
  modify_column: modifyColumn,
  rename_column: renameColumnChange,
  add_index: addIndex,
  remove_index: removeIndex,
  add_table: addTable,
  remove_table: removeTable,
  rename_table: renameTableChange,
  add_relation: addRelation,
  remove_relation: removeRelation,
  sql: rawSql,
};

export interface AppliedChanges {
  /** The schema files as they are to be written. */
  files: SchemaFile[];
  plan: ChangePlan;
  /** Prisma's reading of the schema after the changes (which proves it valid). */
  datamodel: Datamodel;
}

/**
 * Apply changes to a schema, in order: each one is checked against the schema as the changes
 * before it left it, so a descriptor can add a table and then a relation to it.
 */
export function applyChanges(files: SchemaFile[], changes: Change[], knownPreviewFeatures: readonly string[] = []): AppliedChanges {
  const read = (current: SchemaFile[]) => readDatamodel(makeSchemaCompatible(current, knownPreviewFeatures).files);
  const plan = emptyPlan();
  let current = files;
  for (const change of changes) {
    const doc = new SchemaDocument(current);
    const ctx = new ChangeContext(read(current), doc, plan, changeLabel(change));
    (HANDLERS[change.kind] as (change: Change, ctx: ChangeContext) => void)(change, ctx);
    current = doc.result(prismaFormat);
  }
  let datamodel: Datamodel;
  try {
    datamodel = read(current);
  } catch (error) {
    if (error instanceof ForgeError && error.code === 'SCHEMA_INVALID') {
      throw new ForgeError(
        'CHANGE_INVALID',
        `The changes would leave the schema invalid: ${error.message.replace(/^The Prisma schema is invalid:\n/, '')}`,
        'Adjust the descriptor; nothing was written.',
      );
    }
    throw error;
  }
  plan.affectedModels = [...new Set(plan.affectedModels)].filter((name) => datamodel.models.some((model) => model.name === name));
  return { files: current, plan, datamodel };
}

export function changeLabel(change: Change): string {
  const kind = change.kind === 'rename_column' || change.kind === 'rename_table' ? 'rename' : change.kind;
  return 'target' in change ? `${kind} ${change.target}` : kind;
}
