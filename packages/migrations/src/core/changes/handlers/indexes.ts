import type { Model } from '@mrleebo/prisma-ast';
import { MAX_IDENTIFIER_BYTES } from '../identifiers';
import { columnName, type DmmfIndex, type DmmfModel, tableName } from '../../schema/datamodel';
import type { Change } from '../change';
import type { ChangeContext } from '../context';
import { attributeFields } from './references';

type Of<K extends Change['kind']> = Extract<Change, { kind: K }>;

/** The database name Prisma gives an index it is not told the name of. */
export function defaultIndexName(model: DmmfModel, fields: string[], unique: boolean): string {
  const columns = fields.map((name) => columnName(model.fields.find((field) => field.name === name)!));
  return `${tableName(model)}_${columns.join('_')}_${unique ? 'key' : 'idx'}`;
}

export function addIndex(change: Of<'add_index'>, ctx: ChangeContext): void {
  const model = ctx.model(change.target);
  const fields = change.columns.map((name) => {
    const field = ctx.field(model, name);
    if (field.kind === 'object') ctx.fail(`"${name}" is a relation field: index its foreign-key columns instead`);
    return field.name;
  });
  const existing = indexesOf(ctx, model).find((index) => sameFields(index, fields) && (index.type === 'unique') === change.unique);
  if (existing) ctx.fail(`${model.name} already has ${change.unique ? 'a unique index' : 'an index'} on (${fields.join(', ')})`);
  const name = change.name ?? defaultIndexName(model, fields, change.unique);
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    ctx.fail(`the index name "${name}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes`, 'Give the index a shorter "name".');
  }
  const builder = ctx.doc.editModel(ctx.fileOf(model), model.name);
  builder.blockAttribute(change.unique ? 'unique' : 'index', fields, change.name ? { map: JSON.stringify(change.name) } : undefined);
  if (change.concurrently) ctx.plan.concurrentIndexes.push(name);
  ctx.plan.summary.push(
    `Add ${change.unique ? 'unique ' : ''}index ${name} on ${tableName(model)} (${fields.join(', ')})${change.concurrently ? ', built CONCURRENTLY' : ''}`,
  );
  if (change.unique)
    ctx.plan.breaking.push(
      `Writes that duplicate (${fields.join(', ')}) in ${model.name} now fail; existing duplicates make the migration fail.`,
    );
  ctx.plan.affectedModels.push(model.name);
}

export function removeIndex(change: Of<'remove_index'>, ctx: ChangeContext): void {
  const model = ctx.model(change.target);
  const fields = change.columns?.map((name) => ctx.field(model, name).name);
  const candidates = indexesOf(ctx, model).filter((index) => index.type !== 'id');
  const index = candidates.find((candidate) =>
    change.name
      ? [
          candidate.name,
          candidate.dbName,
          defaultIndexName(
            model,
            candidate.fields.map((f) => f.name),
            candidate.type === 'unique',
          ),
        ].includes(change.name)
      : sameFields(candidate, fields!),
  );
  if (!index) {
    ctx.fail(
      `${model.name} has no index ${change.name ? `named "${change.name}"` : `on (${fields!.join(', ')})`}`,
      `Indexes of ${model.name}: ${
        candidates
          .map(
            (c) =>
              c.dbName ??
              defaultIndexName(
                model,
                c.fields.map((f) => f.name),
                c.type === 'unique',
              ),
          )
          .join(', ') || 'none'
      }.`,
    );
  }
  const indexFields = index.fields.map((f) => f.name);
  if (index.isDefinedOnField) {
    const field = model.fields.find((f) => f.name === indexFields[0])!;
    ctx.editField(model, field, (node) => {
      node.attributes = (node.attributes ?? []).filter((attribute) => attribute.name !== 'unique');
    });
  } else {
    ctx.editBlock(model, (block: Model) => {
      const attribute = index.type === 'unique' ? 'unique' : 'index';
      block.properties = block.properties.filter(
        (property) =>
          !(property.type === 'attribute' && property.name === attribute && attributeFields(property.args).join() === indexFields.join()),
      );
    });
  }
  const name = index.dbName ?? defaultIndexName(model, indexFields, index.type === 'unique');
  ctx.plan.summary.push(
    `Remove ${index.type === 'unique' ? 'unique ' : ''}index ${name} on ${tableName(model)} (${indexFields.join(', ')})`,
  );
  if (index.type === 'unique')
    ctx.plan.breaking.push(`(${indexFields.join(', ')}) of ${model.name} is no longer unique: findUnique on it no longer compiles.`);
  ctx.plan.affectedModels.push(model.name);
}

function indexesOf(ctx: ChangeContext, model: DmmfModel): DmmfIndex[] {
  return ctx.datamodel.indexes.filter((index) => index.model === model.name);
}

function sameFields(index: DmmfIndex, fields: string[]): boolean {
  return index.fields.map((f) => f.name).join() === fields.join();
}
