import type { Model } from '@mrleebo/prisma-ast';
import { ForgeError } from '../errors';
import type { SchemaFile } from '../schema-compat';
import { type MaskedSchema, type SchemaBuilder, schemaBuilder } from './schema-source';

export type ModelBuilder = ReturnType<SchemaBuilder['model']>;

/**
 * A Prisma schema (one file or a folder of them) being edited through prisma-ast. Only the blocks
 * an edit touches are rewritten, in Prisma's own format; every other byte of every file, comments
 * and formatting included, stays as it was.
 */
export class SchemaDocument {
  private readonly builders = new Map<string, { builder: SchemaBuilder; masked: MaskedSchema }>();
  /** Per file: the name a touched block has in the original text -> its name after the edits. */
  private readonly touched = new Map<string, Map<string, string>>();
  private readonly removed = new Map<string, Set<string>>();

  constructor(private readonly files: SchemaFile[]) {}

  /** The file that holds a model or enum, or undefined. */
  fileOf(blockName: string): string | undefined {
    return this.files.find((file) => blockRange(file.content, blockName) !== undefined)?.path;
  }

  /** Where new models go: the file of the first model, else the file with the datasource. */
  get mainFile(): string {
    const withModels = this.files.find((file) => /^\s*model\s+\w+\s*\{/m.test(file.content));
    const withDatasource = this.files.find((file) => /^\s*datasource\s+\w+\s*\{/m.test(file.content));
    return (withModels ?? withDatasource ?? this.files[0]).path;
  }

  /** Edit a model (new or existing) of a file: the builder with that model selected. */
  editModel(path: string, modelName: string): ModelBuilder {
    const touched = this.touchedIn(path);
    const original = [...touched].find(([, current]) => current === modelName)?.[0] ?? modelName;
    touched.set(original, modelName);
    return this.builder(path).model(modelName);
  }

  /** Rename a model: its block is rewritten under the new name, in place. */
  renameModel(path: string, from: string, to: string): void {
    this.editModel(path, from).then<Model>((model) => {
      model.name = to;
    });
    const touched = this.touchedIn(path);
    const original = [...touched].find(([, current]) => current === from)?.[0] ?? from;
    touched.set(original, to);
  }

  remove(path: string, blockName: string): void {
    const removed = this.removed.get(path) ?? new Set<string>();
    removed.add(blockName);
    this.removed.set(path, removed);
    this.builder(path).drop(blockName);
  }

  /** The files with every edit applied. */
  result(format: (block: string) => string): SchemaFile[] {
    return this.files.map((file) => {
      const edited = this.builders.get(file.path);
      if (!edited) return file;
      const printed = edited.builder.print();
      let content = file.content;
      for (const name of this.removed.get(file.path) ?? []) content = removeBlock(content, name);
      for (const [original, current] of this.touched.get(file.path) ?? []) {
        if (this.removed.get(file.path)?.has(current)) continue;
        const range = blockRange(printed, current);
        if (!range) continue;
        const existing = blockRange(content, original);
        if (existing) refuseInlineBlockComments(file, existing, edited.masked, original);
        const block = edited.masked.restore(format(printed.slice(range.start, range.end))).trim();
        content = existing
          ? content.slice(0, existing.start) + block + content.slice(existing.end)
          : `${content.replace(/\s*$/, '')}\n\n${block}\n`;
      }
      return { path: file.path, content };
    });
  }

  private builder(path: string): SchemaBuilder {
    let edited = this.builders.get(path);
    if (!edited) {
      const file = this.files.find((candidate) => candidate.path === path);
      if (!file) throw new Error(`No schema file ${path}`);
      edited = schemaBuilder(file);
      this.builders.set(path, edited);
    }
    return edited.builder;
  }

  private touchedIn(path: string): Map<string, string> {
    let touched = this.touched.get(path);
    if (!touched) {
      touched = new Map();
      this.touched.set(path, touched);
    }
    return touched;
  }
}

/** From a block's header (`model Name {`) to the end of its closing brace's line. */
export function blockRange(content: string, name: string): { start: number; end: number } | undefined {
  const header = new RegExp(`^[ \\t]*(model|enum|view|type)[ \\t]+${name}[ \\t]*\\{`, 'm').exec(content);
  if (!header) return undefined;
  const closing = /^[ \t]*\}[ \t]*$/m.exec(content.slice(header.index));
  if (!closing) return undefined;
  return { start: header.index, end: header.index + closing.index + closing[0].length };
}

/** A block comment sharing a line with schema text would be lost when its block is printed anew. */
function refuseInlineBlockComments(file: SchemaFile, range: { start: number; end: number }, masked: MaskedSchema, block: string): void {
  const first = file.content.slice(0, range.start).split('\n').length;
  const last = first + file.content.slice(range.start, range.end).split('\n').length - 1;
  const line = masked.inlineCommentLines.find((candidate) => candidate >= first && candidate <= last);
  if (line === undefined) return;
  throw new ForgeError(
    'SCHEMA_INVALID',
    `${file.path}:${line}: ${block} has a /* */ comment on a line with schema text, which rewriting the block would lose; nothing was written.`,
    'Move the comment to a line of its own (or make it a // comment), then run the generator again.',
  );
}

function removeBlock(content: string, name: string): string {
  const range = blockRange(content, name);
  if (!range) return content;
  const after = content.slice(range.end).replace(/^[ \t]*\n(?:[ \t]*\n)?/, '\n');
  return content.slice(0, range.start).replace(/\n[ \t]*\n$/, '\n') + after.replace(/^\n/, '');
}
