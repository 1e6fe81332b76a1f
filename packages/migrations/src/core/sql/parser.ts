import { loadModule, parsePlPgSQLSync, parseSync, type Node, type ParseResult } from 'libpg-query';

/**
 * The one place SQL is parsed: PostgreSQL's own parser (libpg_query compiled to wasm). Its
 * operations are synchronous once the wasm is loaded, so they are only reachable through the
 * handle `loadSqlParser()` resolves to.
 */
export interface SqlParser {
  /**
   * The statements of a script; throws SqlSyntaxError when it does not parse. A script parsed
   * before gives the same statements again (shared: read them, never change them).
   */
  parseScript(sql: string): readonly ParsedStatement[];
  /** The PL/pgSQL tree of a `CREATE FUNCTION ... LANGUAGE plpgsql` statement; throws when its body does not parse. */
  parsePlpgsql(sql: string): unknown;
}

/** The wasm is loaded once per process. */
let loading: Promise<SqlParser> | undefined;

export async function loadSqlParser(): Promise<SqlParser> {
  loading ??= loadModule().then(() => ({ parseScript, parsePlpgsql: parsePlPgSQLSync }));
  return loading;
}

export class SqlSyntaxError extends Error {
  override readonly name = 'SqlSyntaxError';
  constructor(
    message: string,
    /** 0-based character offset into the parsed text, when the parser knows it. */
    readonly offset: number | undefined,
  ) {
    super(message);
  }
}

export interface ParsedStatement {
  /** The statement's text as written, without the trailing semicolon. */
  text: string;
  /** 0-based character offsets of the statement in the script, from its first token. */
  start: number;
  end: number;
  /** The statement's syntax tree, keyed by its node type (e.g. `{ CreateStmt: {...} }`). */
  node: Node;
}

/**
 * Scripts parsed, by their text: one run reads each migration for its hints, its analysis, its
 * intent and its archive, and a history's scripts parse in seconds. Bounded by the text kept.
 */
const parsed = new Map<string, readonly ParsedStatement[]>();
let parsedChars = 0;
const PARSED_CHARS_KEPT = 32 * 1024 * 1024;

function parseScript(sql: string): readonly ParsedStatement[] {
  const known = parsed.get(sql);
  if (known) return known;
  const statements = Object.freeze(parseText(sql).map((statement) => Object.freeze(statement)));
  if (parsedChars + sql.length > PARSED_CHARS_KEPT) {
    parsed.clear();
    parsedChars = 0;
  }
  parsed.set(sql, statements);
  parsedChars += sql.length;
  return statements;
}

function parseText(sql: string): ParsedStatement[] {
  // libpg_query refuses an empty query; an empty script has no statements.
  if (sql.trim() === '') return [];
  let result: ParseResult;
  try {
    result = parseSync(sql);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const byteOffset = details?.cursorPosition;
    throw new SqlSyntaxError(
      (error as Error).message,
      byteOffset === undefined ? undefined : charOffset(Buffer.from(sql, 'utf8'), byteOffset),
    );
  }
  // libpg_query reports byte offsets into the UTF-8 text; JavaScript strings index characters.
  const bytes = Buffer.from(sql, 'utf8');
  // In ASCII text a byte is a character: no decoding of the text before every statement.
  const toChars = bytes.length === sql.length ? (byteOffset: number) => byteOffset : (byteOffset: number) => charOffset(bytes, byteOffset);
  return (result.stmts ?? []).map((raw) => {
    const startByte = raw.stmt_location ?? 0;
    const endByte = raw.stmt_len ? startByte + raw.stmt_len : bytes.length;
    const end = toChars(endByte);
    const start = skipCommentsAndSpace(sql, toChars(startByte), end);
    return { text: sql.slice(start, end).trim(), start, end, node: raw.stmt as Node };
  });
}

/** The offset of a statement's first token: the parser's location includes what precedes it. */
function skipCommentsAndSpace(sql: string, from: number, to: number): number {
  let index = from;
  while (index < to) {
    if (/\s/.test(sql[index])) index++;
    else if (sql.startsWith('--', index)) index = lineEnd(sql, index);
    else if (sql.startsWith('/*', index)) index = sql.indexOf('*/', index) < 0 ? to : sql.indexOf('*/', index) + 2;
    else break;
  }
  return Math.min(index, to);
}

function lineEnd(sql: string, from: number): number {
  const newline = sql.indexOf('\n', from);
  return newline < 0 ? sql.length : newline + 1;
}

function charOffset(bytes: Buffer, byteOffset: number): number {
  return bytes.subarray(0, byteOffset).toString('utf8').length;
}

/** The node type of a statement, e.g. `CreateStmt`, `IndexStmt`, `DoStmt`. */
export function statementKind(statement: ParsedStatement): string {
  return Object.keys(statement.node)[0] ?? 'Unknown';
}

/** The body of a statement node, typed loosely: callers read the fields they know. */
export function statementBody<T = Record<string, unknown>>(statement: ParsedStatement): T {
  return ((statement.node as unknown as Record<string, unknown>)[statementKind(statement)] ?? {}) as T;
}
