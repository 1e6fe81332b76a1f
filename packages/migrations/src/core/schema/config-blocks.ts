import { type Assignment, type Datasource, printSchema } from '@mrleebo/prisma-ast';
import type { SchemaFile } from '../schema-compat';
import { readSchemaFile } from './schema-source';

/**
 * The schema's datasource and generator blocks only: what introspection needs to read a database
 * that is not in the schema's state (models of another state would make it keep relation fields
 * whose columns do not exist yet).
 */
export function configBlocks(files: readonly SchemaFile[]): SchemaFile[] {
  const kept = files
    .map((file) => {
      const schema = readSchemaFile(file);
      schema.list = schema.list.filter((block) => block.type === 'datasource' || block.type === 'generator');
      return { path: file.path, content: schema.list.length ? printSchema(schema) : '' };
    })
    .filter((file) => file.content);
  return kept.length ? kept : [{ path: files[0]?.path ?? 'schema.prisma', content: 'datasource db {\n  provider = "postgresql"\n}\n' }];
}

/** The schemas the datasource names (`schemas = [...]`, multi-schema projects), else `public`. */
export function datasourceSchemas(files: readonly SchemaFile[]): string[] {
  for (const file of files) {
    const datasource = readSchemaFile(file).list.find((block): block is Datasource => block.type === 'datasource');
    const schemas = datasource?.assignments.find(
      (assignment): assignment is Assignment => assignment.type === 'assignment' && assignment.key === 'schemas',
    )?.value;
    if (schemas && typeof schemas === 'object' && 'args' in schemas)
      return (schemas.args as unknown[]).map((schema) => String(schema).replace(/^"|"$/g, ''));
  }
  return ['public'];
}
