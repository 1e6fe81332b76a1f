import type { Datamodel, DmmfField, DmmfModel } from '../schema/datamodel';

export type AttributeMark = 'added' | 'removed' | 'changed';

/**
 * A Mermaid `erDiagram` of some models and their direct neighbours: each model's columns with
 * PK/FK/UK markers, and each relation once, with its cardinality. `marks` annotates attributes
 * (`Model.field` -> added/removed/changed) so that a before/after pair shows what moved.
 */
export function erDiagram(datamodel: Datamodel, focus: readonly string[], marks: ReadonlyMap<string, AttributeMark> = new Map()): string {
  const shown = withNeighbours(datamodel, focus);
  const lines = ['erDiagram'];
  for (const model of shown) {
    lines.push(`  ${entityName(model.name)} {`);
    for (const field of model.fields.filter((f) => f.kind !== 'object')) {
      lines.push(`    ${attributeLine(datamodel, model, field, marks.get(`${model.name}.${field.name}`))}`);
    }
    lines.push('  }');
  }
  for (const model of shown) {
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = datamodel.models.find((m) => m.name === field.type);
      if (!target || !shown.includes(target)) continue;
      lines.push(`  ${entityName(model.name)} ${cardinality(datamodel, model, field)} ${entityName(target.name)} : "${field.name}"`);
    }
  }
  if (shown.length === 0) lines.push('  %% no models');
  return lines.join('\n');
}

function withNeighbours(datamodel: Datamodel, focus: readonly string[]): DmmfModel[] {
  const names = new Set(focus.filter((name) => datamodel.models.some((m) => m.name === name)));
  for (const name of [...names]) {
    const model = datamodel.models.find((m) => m.name === name)!;
    for (const field of model.fields) if (field.kind === 'object') names.add(field.type);
    for (const other of datamodel.models) if (other.fields.some((f) => f.kind === 'object' && f.type === name)) names.add(other.name);
  }
  return datamodel.models.filter((model) => names.has(model.name));
}

function attributeLine(datamodel: Datamodel, model: DmmfModel, field: DmmfField, mark: AttributeMark | undefined): string {
  const keys = [
    (field.isId || model.primaryKey?.fields.includes(field.name)) && 'PK',
    model.fields.some((f) => f.relationFromFields?.includes(field.name)) && 'FK',
    (field.isUnique ||
      datamodel.indexes.some(
        (i) => i.model === model.name && i.type === 'unique' && i.fields.length === 1 && i.fields[0].name === field.name,
      )) &&
      'UK',
  ].filter(Boolean);
  const type = `${field.type}${field.isList ? '[]' : ''}`.replace(/[^A-Za-z0-9_[\]]/g, '_');
  const notes = [mark, !field.isRequired && !field.isList && 'nullable', field.dbName && `column ${field.dbName}`]
    .filter(Boolean)
    .join(', ');
  return [type, field.name, keys.join(', '), notes && `"${notes.replace(/"/g, "'")}"`].filter(Boolean).join(' ');
}

function cardinality(datamodel: Datamodel, model: DmmfModel, field: DmmfField): string {
  const from = field.relationFromFields ?? [];
  const uniqueFk =
    from.length > 0 &&
    datamodel.indexes.some(
      (i) => i.model === model.name && (i.type === 'unique' || i.type === 'id') && i.fields.map((f) => f.name).join() === from.join(),
    );
  const many = uniqueFk ? '|o' : '}o';
  const one = field.isRequired ? '||' : 'o|';
  return `${many}--${one}`;
}

function entityName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : `"${name}"`;
}

/** The column type each scalar gets without a `@db.*` attribute (PostgreSQL). */
const DEFAULT_NATIVE_TYPES: Record<string, string> = {
  String: 'Text',
  Int: 'Integer',
  BigInt: 'BigInt',
  Float: 'DoublePrecision',
  Decimal: 'Decimal(65,30)',
  Boolean: 'Boolean',
  DateTime: 'Timestamp(3)',
  Json: 'JsonB',
  Bytes: 'ByteA',
};

/**
 * A field's native type, none when it is the scalar's default: `Int @db.Integer` as written and
 * `Int` as introspection reads it back are the same column.
 */
function nativeTypeOf(field: DmmfField): string | null {
  if (!field.nativeType) return null;
  const [name, args] = field.nativeType;
  const text = args.length ? `${name}(${args.join(',')})` : name;
  return DEFAULT_NATIVE_TYPES[field.type] === text ? null : text;
}

/** Which attributes of the affected models were added, removed or changed between two datamodels. */
export function attributeChanges(
  before: Datamodel,
  after: Datamodel,
): { before: Map<string, AttributeMark>; after: Map<string, AttributeMark> } {
  const marksBefore = new Map<string, AttributeMark>();
  const marksAfter = new Map<string, AttributeMark>();
  const signature = (field: DmmfField) =>
    JSON.stringify([
      field.type,
      field.isList,
      field.isRequired,
      field.isUnique,
      field.isId,
      field.dbName ?? null,
      nativeTypeOf(field),
      field.default ?? null,
    ]);
  for (const model of after.models) {
    const old = before.models.find((m) => m.name === model.name);
    for (const field of model.fields) {
      const previous = old?.fields.find((f) => f.name === field.name);
      if (!previous) marksAfter.set(`${model.name}.${field.name}`, 'added');
      else if (signature(previous) !== signature(field)) {
        marksAfter.set(`${model.name}.${field.name}`, 'changed');
        marksBefore.set(`${model.name}.${field.name}`, 'changed');
      }
    }
  }
  for (const model of before.models) {
    const current = after.models.find((m) => m.name === model.name);
    for (const field of model.fields)
      if (!current?.fields.some((f) => f.name === field.name)) marksBefore.set(`${model.name}.${field.name}`, 'removed');
  }
  return { before: marksBefore, after: marksAfter };
}
