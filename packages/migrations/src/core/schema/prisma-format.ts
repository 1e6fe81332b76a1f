/** Format schema text with Prisma's own formatter (what `prisma format` does). */
export function prismaFormat(text: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { format } = require('@prisma/prisma-schema-wasm') as { format(schema: string, params: string): string };
  const params = JSON.stringify({ textDocument: { uri: 'file:/schema.prisma' }, options: { tabSize: 2, insertSpaces: true } });
  return JSON.parse(format(JSON.stringify([['schema.prisma', text]]), params))[0][1];
}
