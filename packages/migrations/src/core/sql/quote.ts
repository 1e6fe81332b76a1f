/** Quote an identifier for PostgreSQL: `"name"`, with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A schema-qualified name, each part quoted. */
export function qualifiedName(schema: string, name: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
}

/** Quote a string literal for PostgreSQL: `'text'`, with embedded quotes doubled. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Split a name as quote_ident renders it (`a."b.c".d`) into its identifiers, kept quoted. */
export function splitQualified(qualified: string): string[] {
  return qualified.match(/"(?:[^"]|"")*"|[^.]+/g) ?? [qualified];
}

/** An identifier as quote_ident renders it, without its quotes. */
export function unquoteIdentifier(identifier: string): string {
  return identifier.startsWith('"') ? identifier.slice(1, -1).replace(/""/g, '"') : identifier;
}

/** `body` as a dollar-quoted string, under a tag it does not contain (an identifier may hold `$forge$`). */
export function dollarQuoted(body: string): string {
  let tag = '$forge$';
  for (let n = 0; body.includes(tag); n++) tag = `$forge${n}$`;
  return `${tag}${body}${tag}`;
}
