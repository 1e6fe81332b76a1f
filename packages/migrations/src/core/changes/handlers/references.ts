import type { Model } from '@mrleebo/prisma-ast';

type Value = unknown;

/**
 * Rename a field wherever its model's block attributes (`@@index`, `@@unique`, `@@id`) and relation
 * attributes (`fields: [...]`) name it, so the schema stays valid after a field rename.
 */
export function renameInModel(block: Model, from: string, to: string): void {
  for (const property of block.properties) {
    if (property.type === 'attribute') renameInArgs(property.args, from, to);
    if (property.type === 'field') {
      for (const attribute of property.attributes ?? []) if (attribute.name === 'relation') renameInKey(attribute.args, 'fields', from, to);
    }
  }
}

/** Rename a field where other models' relations reference it (`references: [...]`). */
export function renameReferences(block: Model, targetModel: string, from: string, to: string): void {
  for (const property of block.properties) {
    if (property.type !== 'field' || property.fieldType !== targetModel) continue;
    for (const attribute of property.attributes ?? [])
      if (attribute.name === 'relation') renameInKey(attribute.args, 'references', from, to);
  }
}

function renameInArgs(args: Value, from: string, to: string): void {
  if (!Array.isArray(args)) return;
  for (const arg of args as Array<{ value: Value }>) {
    const value = arg.value as { type?: string; args?: Value[]; name?: string };
    if (value?.type === 'array') renameArray(value, from, to);
  }
}

function renameInKey(args: Value, key: string, from: string, to: string): void {
  if (!Array.isArray(args)) return;
  for (const arg of args as Array<{ value: { type?: string; key?: string; value?: Value } }>) {
    if (arg.value?.type === 'keyValue' && arg.value.key === key) renameArray(arg.value.value as { args?: Value[] }, from, to);
  }
}

function renameArray(array: { args?: Value[] }, from: string, to: string): void {
  array.args = (array.args ?? []).map((item) => {
    if (item === from) return to;
    const call = item as { type?: string; name?: string };
    if (call?.type === 'function' && call.name === from) return { ...call, name: to };
    return item;
  });
}

/** The field names an `@@index`/`@@unique`/`@@id` block attribute lists, sort options aside. */
export function attributeFields(args: Value): string[] {
  const first = Array.isArray(args) ? (args[0] as { value?: { type?: string; args?: Value[] } })?.value : undefined;
  if (first?.type !== 'array') return [];
  return (first.args ?? []).map((item) => (typeof item === 'string' ? item : ((item as { name?: string }).name ?? '')));
}
