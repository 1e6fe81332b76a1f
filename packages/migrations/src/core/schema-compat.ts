/**
 * Prisma 7 refuses what older schemas commonly carry: connection URLs in the datasource block
 * (`url`, `directUrl`, `shadowDatabaseUrl`) and preview features that no longer exist. A venture
 * should not have to rewrite its schema to be tested, so those lines are neutralised for the
 * engine (turned into comments, so that line numbers in engine errors still match the file) and
 * each one is reported as a warning. The file on disk is never changed.
 */
export interface SchemaFile {
  /** Path relative to the project root (what errors and reports show). */
  path: string;
  content: string;
}

export interface CompatibleSchema {
  files: SchemaFile[];
  warnings: string[];
}

const BLOCK_START = /^\s*(datasource|generator|model|enum|view|type)\s+\w+\s*\{/;
const REMOVED_DATASOURCE_PROPERTIES = new Set(['url', 'directUrl', 'shadowDatabaseUrl']);

export function makeSchemaCompatible(files: SchemaFile[], knownPreviewFeatures: readonly string[]): CompatibleSchema {
  const warnings: string[] = [];
  const known = new Set(knownPreviewFeatures.map((feature) => feature.toLowerCase()));
  const compatible = files.map((file) => {
    let block: string | undefined;
    const lines = file.content.split('\n').map((line, index) => {
      const start = BLOCK_START.exec(line);
      if (start) {
        block = start[1];
        return line;
      }
      if (/^\s*\}\s*$/.test(line)) {
        block = undefined;
        return line;
      }
      return rewriteLine(line, block, `${file.path}:${index + 1}`, known, warnings);
    });
    return { path: file.path, content: lines.join('\n') };
  });
  return { files: compatible, warnings };
}

function rewriteLine(
  line: string,
  block: string | undefined,
  where: string,
  knownPreviewFeatures: Set<string>,
  warnings: string[],
): string {
  const assignment = /^(\s*)(\w+)\s*=\s*(.*)$/.exec(line);
  if (!assignment) return line;
  const [, indent, property, value] = assignment;
  if (block === 'datasource' && REMOVED_DATASOURCE_PROPERTIES.has(property)) {
    warnings.push(
      `${where}: datasource property \`${property}\` is ignored (Prisma 7 reads connection URLs from ` +
        `prisma.config.ts; this plugin from the environment variables named in its options).`,
    );
    return `${indent}// ${property} = ${value}`;
  }
  if (block === 'generator' && property === 'previewFeatures') {
    const features = [...value.matchAll(/"([^"]+)"/g)].map((match) => match[1]);
    const unknown = features.filter((feature) => !knownPreviewFeatures.has(feature.toLowerCase()));
    if (unknown.length === 0) return line;
    warnings.push(
      `${where}: preview ` +
        `feature${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `"${f}"`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} ` +
        `not known to Prisma 7 and ignored.`,
    );
    const kept = features.filter((feature) => !unknown.includes(feature));
    return `${indent}previewFeatures = [${kept.map((feature) => `"${feature}"`).join(', ')}]`;
  }
  return line;
}
