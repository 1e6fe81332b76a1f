/** The preview features the installed Prisma 7 schema tooling knows (from prisma-schema-wasm). */
export function knownPreviewFeatures(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { preview_features } = require('@prisma/prisma-schema-wasm') as { preview_features(): string };
  return JSON.parse(preview_features());
}
