import { createPrismaSchemaBuilder, getSchema, type Schema } from '@mrleebo/prisma-ast';
import { ForgeError } from '../errors';
import type { SchemaFile } from '../schema-compat';

/**
 * prisma-ast reads `//` and `///` comments but not the `/* ... *\/` block comments Prisma accepts
 * (prisma-engines #5083). Before it reads a file, each block comment that stands on lines of its
 * own becomes one marker line comment per line, which prisma-ast keeps where it stands and
 * `restore` turns back into the original lines; one that shares a line with schema text becomes
 * spaces (offsets and line numbers stay those of the file).
 */
export interface MaskedSchema {
  text: string;
  /** 1-based lines holding a block comment that shares its line with schema text. */
  inlineCommentLines: number[];
  /** Text printed from `text` with the original block comment lines back in place of the markers. */
  restore(printed: string): string;
}

const MARKER = '//forge:block-comment:';

export function maskBlockComments(source: string): MaskedSchema {
  const comments = blockComments(source);
  const saved: string[] = [];
  const inlineCommentLines: number[] = [];
  let text = source;
  // From the last comment back, so that earlier offsets stay valid.
  for (const { start, end } of [...comments].reverse()) {
    const lineStart = source.lastIndexOf('\n', start - 1) + 1;
    const nextBreak = source.indexOf('\n', end);
    const lineEnd = nextBreak === -1 ? source.length : nextBreak;
    const standsAlone = source.slice(lineStart, start).trim() === '' && source.slice(end, lineEnd).trim() === '';
    if (standsAlone) {
      const lines = source.slice(lineStart, lineEnd).split('\n');
      const markers = lines.map((line) => `${MARKER}${saved.push(line) - 1}`);
      text = text.slice(0, lineStart) + markers.join('\n') + text.slice(lineEnd);
    } else {
      inlineCommentLines.push(lineNumber(source, start));
      text = text.slice(0, start) + source.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
    }
  }
  const restore = (printed: string) =>
    printed.replace(new RegExp(`^[ \\t]*${MARKER}(\\d+)[ \\t]*$`, 'gm'), (_, index: string) => saved[Number(index)]);
  return { text, inlineCommentLines: inlineCommentLines.reverse(), restore };
}

/** A schema file read by prisma-ast, block comments and all; a file it cannot read is named with the line. */
export function readSchemaFile(file: SchemaFile): Schema {
  return withFileLine(file, () => getSchema(maskBlockComments(file.content).text));
}

export type SchemaBuilder = ReturnType<typeof createPrismaSchemaBuilder>;

/** A prisma-ast builder over a file, and how to turn what it prints back into the file's own comments. */
export function schemaBuilder(file: SchemaFile): { builder: SchemaBuilder; masked: MaskedSchema } {
  const masked = maskBlockComments(file.content);
  return { builder: withFileLine(file, () => createPrismaSchemaBuilder(masked.text)), masked };
}

function withFileLine<T>(file: SchemaFile, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const token = (error as { token?: { startLine?: number; startColumn?: number } }).token;
    const where = token?.startLine ? `${file.path}:${token.startLine}${token.startColumn ? `:${token.startColumn}` : ''}` : file.path;
    throw new ForgeError(
      'SCHEMA_INVALID',
      `${where}: the Prisma schema could not be read (${(error as Error).message})`,
      'Check the schema at that line (`prisma validate` reads it as Prisma does); if Prisma accepts it, report the line as a bug of @forge/migrations.',
      { cause: error },
    );
  }
}

/** Offsets of the block comments of a Prisma schema, skipping `//` comments and string literals. */
function blockComments(source: string): Array<{ start: number; end: number }> {
  const comments: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '"') {
      for (i++; i < source.length && source[i] !== '"' && source[i] !== '\n'; i++) if (source[i] === '\\') i++;
    } else if (char === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (char === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      const end = close === -1 ? source.length : close + 2;
      comments.push({ start: i, end });
      i = end - 1;
    }
  }
  return comments;
}

function lineNumber(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (source[i] === '\n') line++;
  return line;
}
