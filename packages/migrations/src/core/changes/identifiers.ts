/**
 * Names the generator writes into schema.prisma and SQL. PostgreSQL truncates identifiers at 63
 * bytes, silently, so a longer name is refused; quotes and semicolons have no business in a name.
 * Reserved words are fine: Prisma quotes every identifier it emits.
 */
export const MAX_IDENTIFIER_BYTES = 63;
const PRISMA_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Why `name` cannot be used, or undefined when it can. */
export function identifierProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (/["'`;\\]/.test(name)) return 'contains a quote, backslash or semicolon';
  if (/\s/.test(name)) return 'contains whitespace';
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) return `is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes`;
  return undefined;
}

/** Why `name` cannot name a Prisma model or field, or undefined when it can. */
export function prismaNameProblem(name: string): string | undefined {
  const problem = identifierProblem(name);
  if (problem) return problem;
  if (!PRISMA_NAME.test(name))
    return 'must start with a letter and hold only letters, digits and underscores (use "map" for another database name)';
  return undefined;
}
