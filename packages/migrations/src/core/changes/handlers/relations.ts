import type { Field, Model } from '@mrleebo/prisma-ast';
import { type DmmfField, type DmmfModel, findField, tableName } from '../../schema/datamodel';
import type { Change } from '../change';
import type { ChangeContext } from '../context';
import { placeAfterLastField } from './columns';

type Of<K extends Change['kind']> = Extract<Change, { kind: K }>;

/**
 * A relation from the target model to another: the relation field, its foreign-key fields (added,
 * nullable, when missing: existing rows have nothing to point at yet), an index on them, and the
 * back-relation field Prisma requires on the other side.
 */
export function addRelation(change: Of<'add_relation'>, ctx: ChangeContext): void {
  const model = ctx.model(change.target);
  const referenced = ctx.model(change.references);
  if (change.fields.length !== change.referencedFields.length) {
    ctx.fail(`fields (${change.fields.length}) and referencedFields (${change.referencedFields.length}) must pair up one to one`);
  }
  ctx.assertFree(model, change.field);
  const targets = change.referencedFields.map((name) => {
    const field = ctx.field(referenced, name);
    if (!isUniqueKey(ctx, referenced, field))
      ctx.fail(`referencedFields: ${referenced.name}.${field.name} is not unique, so a foreign key cannot point at it`);
    return field;
  });
  const file = ctx.fileOf(model);
  const created: string[] = [];
  change.fields.forEach((name, index) => {
    const existing = findField(model, name);
    const target = targets[index];
    if (existing) {
      if (existing.type !== target.type)
        ctx.fail(`fields: ${model.name}.${name} is ${existing.type} but ${referenced.name}.${target.name} is ${target.type}`);
      return;
    }
    const builder = ctx.doc.editModel(file, model.name).field(name, `${target.type}?`);
    if (target.nativeType) builder.attribute(`db.${target.nativeType[0]}`, target.nativeType[1]);
    created.push(name);
  });
  const optional = change.fields.every((name) => created.includes(name) || !findField(model, name)!.isRequired);
  const relationName = needsRelationName(model, referenced) ? `${model.name}_${change.field}` : undefined;
  const args: Record<string, unknown> = {
    fields: { type: 'array', args: change.fields },
    references: { type: 'array', args: targets.map((t) => t.name) },
  };
  if (change.onDelete) args['onDelete'] = change.onDelete;
  if (change.onUpdate) args['onUpdate'] = change.onUpdate;
  const relation = ctx.doc.editModel(file, model.name).field(change.field, `${referenced.name}${optional ? '?' : ''}`);
  relation.attribute('relation', relationArgs(relationName, args));
  ctx.doc.editModel(file, model.name).then<Model>((block) => placeAfterLastField(block, [...created, change.field]));
  ctx.doc.editModel(file, model.name).blockAttribute('index', change.fields);

  const back = change.backRelationField ?? defaultBackRelationName(model);
  if (findField(referenced, back))
    ctx.fail(`${referenced.name} already has a field "${back}": name the back-relation with "backRelationField"`);
  const backBuilder = ctx.doc.editModel(ctx.fileOf(referenced), referenced.name).field(back, `${model.name}[]`);
  if (relationName) backBuilder.attribute('relation', [JSON.stringify(relationName)]);
  ctx.doc.editModel(ctx.fileOf(referenced), referenced.name).then<Model>((block) => placeAfterLastField(block, [back]));

  ctx.plan.summary.push(
    `Add relation ${model.name}.${change.field} -> ${referenced.name} (${change.fields.join(', ')} references ${targets.map((t) => t.name).join(', ')})` +
      (created.length ? `; new nullable column${created.length > 1 ? 's' : ''} ${created.join(', ')}, indexed` : ', indexed'),
  );
  ctx.plan.breaking.push(
    `Rows of ${tableName(model)} must now point at an existing ${referenced.name}: inserts with a dangling ${change.fields.join(', ')} fail.`,
  );
  ctx.plan.affectedModels.push(model.name, referenced.name);
}

export function removeRelation(change: Of<'remove_relation'>, ctx: ChangeContext): void {
  const model = ctx.model(change.target);
  const field = ctx.field(model, change.field);
  if (field.kind !== 'object') ctx.fail(`"${change.field}" is not a relation field of ${model.name}`);
  const other = ctx.model(field.type);
  const backs = other.fields.filter((candidate) => candidate.relationName === field.relationName && candidate !== field);
  removeFields(ctx, model, [field]);
  if (other.name !== model.name) removeFields(ctx, other, backs);
  else removeFields(ctx, model, backs);
  ctx.plan.summary.push(
    `Remove relation ${model.name}.${field.name} -> ${other.name} (the foreign key is dropped; its columns and their values stay)`,
  );
  ctx.plan.breaking.push(
    `${[field, ...backs].map((f) => `${f.name}`).join(' and ')} no longer exist in the Prisma client: remove them from include/select.`,
  );
  ctx.plan.affectedModels.push(model.name, other.name);
}

function removeFields(ctx: ChangeContext, model: DmmfModel, fields: DmmfField[]): void {
  if (fields.length === 0) return;
  const names = fields.map((field) => field.name);
  ctx.editBlock(model, (block: Model) => {
    block.properties = block.properties.filter((property) => !(property.type === 'field' && names.includes((property as Field).name)));
  });
}

function isUniqueKey(ctx: ChangeContext, model: DmmfModel, field: DmmfField): boolean {
  return (
    field.isId ||
    field.isUnique ||
    ctx.datamodel.indexes.some(
      (index) =>
        index.model === model.name &&
        (index.type === 'unique' || index.type === 'id') &&
        index.fields.length === 1 &&
        index.fields[0].name === field.name,
    )
  );
}

function needsRelationName(model: DmmfModel, referenced: DmmfModel): boolean {
  return (
    model.name === referenced.name ||
    model.fields.some((field) => field.type === referenced.name) ||
    referenced.fields.some((field) => field.type === model.name)
  );
}

function defaultBackRelationName(model: DmmfModel): string {
  const camel = model.name.charAt(0).toLowerCase() + model.name.slice(1);
  return camel.endsWith('s') ? `${camel}es` : `${camel}s`;
}

type Arg = string | { name: string; function?: Arg[] };

/** `@relation("name", fields: [...], references: [...], onDelete: X)` as prisma-ast arguments. */
function relationArgs(name: string | undefined, keyValues: Record<string, unknown>): Arg[] {
  const rendered = Object.entries(keyValues).map(([key, value]) => {
    const text = typeof value === 'object' && value !== null ? `[${(value as { args: string[] }).args.join(', ')}]` : String(value);
    return `${key}: ${text}`;
  });
  return name ? [JSON.stringify(name), ...rendered] : rendered;
}
