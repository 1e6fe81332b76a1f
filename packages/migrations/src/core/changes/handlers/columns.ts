import type { Field, Model } from '@mrleebo/prisma-ast';
import { columnName, type DmmfModel, findField, tableName } from '../../schema/datamodel';
import { renameColumn } from '../../sql/ddl';
import { sqlType } from '../../sql/prisma-types';
import type { Change, ColumnSpec } from '../change';
import type { ChangeContext } from '../context';
import { prismaNameProblem } from '../identifiers';
import { defaultArg, fieldTypeText, nativeTypeAttribute } from './field-spec';
import { renameInModel, renameReferences } from './references';

type Of<K extends Change['kind']> = Extract<Change, { kind: K }>;

/** Add the columns' fields to a model (also used for the columns of a new table). */
export function addFields(
  ctx: ChangeContext,
  file: string,
  modelName: string,
  existing: DmmfModel | undefined,
  columns: ColumnSpec[],
): void {
  const seen = new Set<string>();
  columns.forEach((spec, index) => {
    const where = `columns[${index}]`;
    for (const name of [spec.name, spec.map].filter((n): n is string => n !== undefined)) {
      if (seen.has(name)) ctx.fail(`${where}: "${name}" is named twice`, 'Give every column its own name.');
      seen.add(name);
      if (existing) ctx.assertFree(existing, name, 'column');
    }
    ctx.assertType(spec.type, `${where}.type`);
    const enumType = ctx.datamodel.enums.find((e) => e.name === spec.type.replace(/\[\]$/, ''));
    if (enumType && typeof spec.default === 'string' && !enumType.values.some((value) => value.name === spec.default)) {
      ctx.fail(
        `${where}.default: "${spec.default}" is not a value of enum ${enumType.name}`,
        `Values: ${enumType.values.map((v) => v.name).join(', ')}.`,
      );
    }
    if (existing && !spec.optional && spec.default === undefined) {
      ctx.fail(
        `${where}: required column "${spec.name}" has no default, so the rows already in ${tableName(existing)} would have no value`,
        'Give it a default; or add it optional, backfill it, and make it required with modify_column.',
      );
    }
    const builder = ctx.doc.editModel(file, modelName).field(spec.name, fieldTypeText(spec));
    if (spec.default !== undefined) builder.attribute('default', [defaultArg(spec.default, spec.type, ctx.datamodel)]);
    if (spec.unique) builder.attribute('unique');
    if (spec.map) builder.attribute('map', [JSON.stringify(spec.map)]);
    if (spec.nativeType) {
      const native = nativeTypeAttribute(spec.nativeType);
      builder.attribute(native.name, native.args);
    }
  });
  ctx.doc.editModel(file, modelName).then<Model>((block) =>
    placeAfterLastField(
      block,
      columns.map((spec) => spec.name),
    ),
  );
}

/** prisma-ast appends new fields after the block attributes' blank line: move them up to the other fields. */
export function placeAfterLastField(block: Model, names: string[]): void {
  const moved = block.properties.filter((property) => property.type === 'field' && names.includes(property.name));
  const rest = block.properties.filter((property) => !moved.includes(property));
  let last = -1;
  rest.forEach((property, index) => {
    if (property.type === 'field') last = index;
  });
  rest.splice(last + 1, 0, ...moved);
  block.properties = rest;
}

export function addColumn(change: Of<'add_column'>, ctx: ChangeContext): void {
  const model = ctx.model(change.target);
  addFields(ctx, ctx.fileOf(model), model.name, model, change.columns);
  for (const spec of change.columns) ctx.plan.summary.push(`Add column ${model.name}.${spec.name} (${fieldTypeText(spec)})`);
  ctx.plan.affectedModels.push(model.name);
}

export function removeColumn(change: Of<'remove_column'>, ctx: ChangeContext): void {
  const model = ctx.model(change.target);
  for (const name of change.columns) {
    const field = ctx.field(model, name);
    if (field.kind === 'object') ctx.fail(`"${name}" is a relation field: remove it with remove_relation`);
    const users = usesOf(ctx, model, field.name);
    if (users.length)
      ctx.fail(
        `column "${name}" is used by ${users.join(', ')}`,
        'Remove those first (remove_index, remove_relation), in the same descriptor or before.',
      );
    ctx.doc.editModel(ctx.fileOf(model), model.name).removeField(field.name);
    ctx.plan.summary.push(`Remove column ${model.name}.${field.name}`);
    ctx.plan.breaking.push(
      `${model.name}.${field.name} no longer exists: remove it from queries and types, and regenerate the Prisma client.`,
    );
  }
  ctx.plan.affectedModels.push(model.name);
}

/** Indexes, keys and relations of a model that list a field. */
function usesOf(ctx: ChangeContext, model: DmmfModel, field: string): string[] {
  const indexes = ctx.datamodel.indexes
    .filter((index) => index.model === model.name && !index.isDefinedOnField && index.fields.some((f) => f.name === field))
    .map((index) => `@@${index.type === 'normal' ? 'index' : index.type}([${index.fields.map((f) => f.name).join(', ')}])`);
  const relations = model.fields.filter((f) => f.relationFromFields?.includes(field)).map((f) => `relation ${model.name}.${f.name}`);
  const referencedBy = ctx.datamodel.models.flatMap((other) =>
    other.fields.filter((f) => f.type === model.name && f.relationToFields?.includes(field)).map((f) => `relation ${other.name}.${f.name}`),
  );
  return [...indexes, ...relations, ...referencedBy];
}

export function modifyColumn(change: Of<'modify_column'>, ctx: ChangeContext): void {
  const model = ctx.model(change.target);
  const field = ctx.field(model, change.column);
  if (field.kind === 'object') ctx.fail(`"${change.column}" is a relation field, not a column`);
  const oldType = `${field.type}${field.isList ? '[]' : ''}`;
  const type = change.type ?? oldType;
  if (change.type) ctx.assertType(change.type, 'type');
  const optional = change.optional ?? !field.isRequired;
  const enums = ctx.datamodel.enums.map((e) => e.name);
  const native = change.nativeType ? nativeTypeAttribute(change.nativeType) : undefined;
  const fromSql = sqlType(oldType, field.nativeType, enums);
  const toSql = sqlType(type, native ? [native.name.replace(/^db\./, ''), native.args] : change.type ? null : field.nativeType, enums);
  const typeChanged = fromSql !== toSql;
  ctx.editField(model, field, (node: Field) => {
    node.fieldType = type.replace(/\[\]$/, '');
    node.array = type.endsWith('[]');
    node.optional = optional && !node.array;
    node.attributes = (node.attributes ?? []).filter((attribute) => {
      if ((change.type !== undefined || native) && attribute.group === 'db') return false;
      if (change.default !== undefined && attribute.name === 'default') return false;
      return true;
    });
  });
  const builder = ctx.doc.editModel(ctx.fileOf(model), model.name).field(field.name);
  if (change.default !== undefined && change.default !== null)
    builder.attribute('default', [defaultArg(change.default, type, ctx.datamodel)]);
  if (native) builder.attribute(native.name, native.args);

  const what = [
    typeChanged && `type ${fromSql} -> ${toSql}${change.using ? ` (USING ${change.using})` : ''}`,
    change.optional !== undefined && (change.optional ? 'optional' : 'required'),
    change.default !== undefined && (change.default === null ? 'no default' : `default ${String(change.default)}`),
  ].filter(Boolean);
  ctx.plan.summary.push(`Modify column ${model.name}.${field.name}: ${what.join(', ')}`);
  if (typeChanged) {
    ctx.plan.typeChanges.push({
      model: model.name,
      table: tableName(model),
      field: field.name,
      column: columnName(field),
      from: oldType,
      to: type,
      fromSql,
      toSql,
      using: change.using,
    });
    ctx.plan.breaking.push(
      `${model.name}.${field.name} is now ${type}: update the code that reads or writes it, and regenerate the Prisma client.`,
    );
  }
  if (change.optional === false && !field.isRequired) {
    ctx.plan.breaking.push(
      `${tableName(model)}.${columnName(field)} becomes NOT NULL: the migration fails while any row holds NULL there; backfill those rows first.`,
    );
  }
  ctx.plan.affectedModels.push(model.name);
}

export function renameColumnChange(change: Of<'rename_column'>, ctx: ChangeContext): void {
  const model = ctx.model(change.target);
  const field = ctx.field(model, change.column);
  const table = tableName(model);
  if (field.kind === 'object') {
    // A relation field has no column: only the Prisma name changes.
    renameFieldInSchema(ctx, model, field.name, change.to);
    ctx.plan.summary.push(`Rename relation field ${model.name}.${field.name} to ${change.to} (no database change)`);
    ctx.plan.breaking.push(
      `${model.name}.${field.name} is now ${model.name}.${change.to}: update queries (include/select) and regenerate the Prisma client.`,
    );
    ctx.plan.affectedModels.push(model.name);
    return;
  }
  const oldColumn = columnName(field);
  const newColumn = change.to;
  const taken = findField(model, change.to);
  if (taken && taken !== field) ctx.assertFree(model, change.to, 'column');
  if (oldColumn === newColumn) ctx.fail(`column "${oldColumn}" already has that name`);

  if (change.keepModelName) {
    ctx.editField(model, field, (node) => {
      node.attributes = (node.attributes ?? []).filter((attribute) => attribute.name !== 'map');
    });
    ctx.doc
      .editModel(ctx.fileOf(model), model.name)
      .field(field.name)
      .attribute('map', [JSON.stringify(newColumn)]);
  } else {
    const problem = prismaNameProblem(change.to);
    if (problem) ctx.fail(`to: "${change.to}" ${problem}`, 'Or keep the field name in code with "keepModelName": true.');
    ctx.editField(model, field, (node) => {
      node.attributes = (node.attributes ?? []).filter((attribute) => attribute.name !== 'map');
    });
    renameFieldInSchema(ctx, model, field.name, change.to);
    ctx.plan.breaking.push(
      `${model.name}.${field.name} is now ${model.name}.${change.to}: update queries and types, and regenerate the Prisma client.`,
    );
  }
  ctx.plan.upPrelude.push(renameColumn(table, oldColumn, newColumn));
  ctx.plan.downPrelude.unshift(renameColumn(table, newColumn, oldColumn));
  ctx.plan.summary.push(
    `Rename column ${table}.${oldColumn} to ${newColumn}` +
      `${change.keepModelName ? ` (the field stays ${model.name}.${field.name} in code, mapped with @map)` : ''}`,
  );
  ctx.plan.affectedModels.push(model.name);
}

function renameFieldInSchema(ctx: ChangeContext, model: DmmfModel, from: string, to: string): void {
  ctx.editField(model, findField(model, from)!, (node) => {
    node.name = to;
  });
  ctx.editBlock(model, (block) => renameInModel(block, from, to));
  for (const other of ctx.datamodel.models) {
    if (other.name !== model.name && other.fields.some((f) => f.type === model.name && f.relationToFields?.includes(from))) {
      ctx.editBlock(other, (block) => renameReferences(block, model.name, from, to));
    }
  }
}
