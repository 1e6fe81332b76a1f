import type { Field, Model } from '@mrleebo/prisma-ast';
import { findModel, tableName } from '../../schema/datamodel';
import { disableTenantIsolation, enableTenantIsolation, renameTable } from '../../sql/ddl';
import type { Change } from '../change';
import type { ChangeContext } from '../context';
import { prismaNameProblem } from '../identifiers';
import { addFields } from './columns';

type Of<K extends Change['kind']> = Extract<Change, { kind: K }>;

const TENANT_FIELD = 'tenantId';

export function addTable(change: Of<'add_table'>, ctx: ChangeContext): void {
  if (findModel(ctx.datamodel, change.target)) ctx.fail(`a model or table named "${change.target}" already exists`);
  const file = ctx.doc.mainFile;
  const columns = [...change.columns];
  if (change.tenantScoped && !columns.some((column) => column.name === TENANT_FIELD)) {
    columns.push({ name: TENANT_FIELD, type: 'String', optional: false, unique: false });
  }
  const names = columns.map((column) => column.name);
  const primaryKey = change.primaryKey ?? (names.includes('id') ? ['id'] : undefined);
  if (!primaryKey) ctx.fail('a table needs a primary key: name its columns in "primaryKey", or add a column "id"');
  for (const key of primaryKey) if (!names.includes(key)) ctx.fail(`primaryKey: "${key}" is not one of the table's columns`);
  for (const key of primaryKey) {
    const column = columns.find((c) => c.name === key)!;
    if (column.optional) ctx.fail(`primaryKey: "${key}" cannot be optional`);
  }

  addFields(ctx, file, change.target, undefined, columns);
  const builder = ctx.doc.editModel(file, change.target);
  if (primaryKey.length === 1) builder.field(primaryKey[0]).attribute('id');
  else builder.blockAttribute('id', primaryKey);
  if (change.tenantScoped) {
    builder.blockAttribute('index', [TENANT_FIELD]);
    ctx.plan.upAppendix.push(...enableTenantIsolation(change.target, TENANT_FIELD));
    ctx.plan.downAppendix.unshift(...disableTenantIsolation(change.target));
  }
  ctx.plan.summary.push(
    `Add table ${change.target} (${columns.map((c) => c.name).join(', ')})` +
      `${change.tenantScoped ? ', tenant-scoped with row-level security on app.tenant_id' : ''}`,
  );
  ctx.plan.affectedModels.push(change.target);
}

export function removeTable(change: Of<'remove_table'>, ctx: ChangeContext): void {
  const model = ctx.model(change.target);
  // Relation fields in other models that point at this one go with it.
  for (const other of ctx.datamodel.models) {
    if (other.name === model.name) continue;
    const pointing = other.fields.filter((field) => field.type === model.name);
    if (pointing.length === 0) continue;
    const names = pointing.map((field) => field.name);
    ctx.editBlock(other, (block: Model) => {
      block.properties = block.properties.filter((property) => !(property.type === 'field' && names.includes((property as Field).name)));
    });
    for (const name of names)
      ctx.plan.breaking.push(`${other.name}.${name} (a relation to ${model.name}) no longer exists: remove it from queries.`);
    ctx.plan.affectedModels.push(other.name);
  }
  ctx.doc.remove(ctx.fileOf(model), model.name);
  ctx.plan.summary.push(`Remove table ${tableName(model)}`);
  ctx.plan.breaking.push(`Model ${model.name} no longer exists: remove its queries and regenerate the Prisma client.`);
}

export function renameTableChange(change: Of<'rename_table'>, ctx: ChangeContext): void {
  const model = ctx.model(change.target);
  const from = tableName(model);
  if (from === change.to) ctx.fail(`table "${from}" already has that name`);
  const clash = findModel(ctx.datamodel, change.to);
  if (clash && clash !== model) ctx.fail(`a model or table named "${change.to}" already exists`);
  const file = ctx.fileOf(model);

  ctx.editBlock(model, (block) => {
    block.properties = block.properties.filter((property) => !(property.type === 'attribute' && property.name === 'map'));
  });
  if (change.keepModelName) {
    ctx.doc.editModel(file, model.name).blockAttribute('map', change.to);
  } else {
    const problem = prismaNameProblem(change.to);
    if (problem) ctx.fail(`table: "${change.to}" ${problem}`, 'Or keep the model name in code with "keepModelName": true.');
    ctx.doc.renameModel(file, model.name, change.to);
    for (const other of ctx.datamodel.models) {
      const pointing = other.fields.filter((field) => field.type === model.name).map((field) => field.name);
      if (other.name === model.name || pointing.length === 0) continue;
      ctx.editBlock(other, (block) => {
        for (const property of block.properties) {
          if (property.type === 'field' && pointing.includes(property.name)) property.fieldType = change.to;
        }
      });
    }
    // Its own self-relations point at it by name too.
    ctx.doc.editModel(file, change.to).then<Model>((block) => {
      for (const property of block.properties)
        if (property.type === 'field' && property.fieldType === model.name) property.fieldType = change.to;
    });
    ctx.plan.breaking.push(`Model ${model.name} is now ${change.to}: update the code that uses it, and regenerate the Prisma client.`);
  }
  ctx.plan.upPrelude.push(renameTable(from, change.to));
  ctx.plan.downPrelude.unshift(renameTable(change.to, from));
  ctx.plan.summary.push(
    `Rename table ${from} to ${change.to}${change.keepModelName ? ` (the model stays ${model.name} in code, mapped with @@map)` : ''}`,
  );
  ctx.plan.affectedModels.push(change.keepModelName ? model.name : change.to);
}
