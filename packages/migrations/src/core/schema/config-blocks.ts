import { getSchema, printSchema } from '@mrleebo/prisma-ast';
import type { SchemaFile } from '../schema-compat';

/**
 * The schema's datasource and generator blocks only: what introspection needs to read a database
 * that is not in the schema's state (models of another state would make it keep relation fields
 * whose columns do not exist yet).
 */
export function configBlocks(files: readonly SchemaFile[]): SchemaFile[] {
  const kept = files
    .map((file) => {
      const schema = getSchema(file.content);
      schema.list = schema.list.filter((block) => block.type === 'datasource' || block.type === 'generator');
      return { path: file.path, content: schema.list.length ? printSchema(schema) : '' };
    })
    .filter((file) => file.content);
  return kept.length ? kept : [{ path: files[0]?.path ?? 'schema.prisma', content: 'datasource db {\n  provider = "postgresql"\n}\n' }];
}
