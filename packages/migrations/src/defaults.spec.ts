import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ARCHIVES_DEFAULTS,
  CI_DEFAULTS,
  DEPLOY_DEFAULTS,
  MIGRATION_GENERATOR_DEFAULTS,
  ROLLBACK_DEFAULTS,
  STATUS_DEFAULTS,
  TEST_DEFAULTS,
  UI_DEFAULTS,
} from './defaults';

interface JsonSchema {
  default?: unknown;
  properties?: Record<string, JsonSchema>;
}

/** The defaults a schema.json declares, nested as its properties are. */
function declaredDefaults(schema: JsonSchema): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (property.default !== undefined) defaults[name] = property.default;
    else if (property.properties && Object.keys(declaredDefaults(property)).length > 0) defaults[name] = declaredDefaults(property);
  }
  return defaults;
}

describe('option defaults', () => {
  it.each([
    ['executors/deploy', DEPLOY_DEFAULTS],
    ['executors/rollback', ROLLBACK_DEFAULTS],
    ['executors/status', STATUS_DEFAULTS],
    ['executors/archives', ARCHIVES_DEFAULTS],
    ['executors/ui', UI_DEFAULTS],
    ['executors/test', TEST_DEFAULTS],
    ['generators/migration', MIGRATION_GENERATOR_DEFAULTS],
    ['generators/ci', CI_DEFAULTS],
  ])('%s/schema.json declares exactly the defaults the code reads', (folder, defaults) => {
    const schema = JSON.parse(readFileSync(path.join(__dirname, folder, 'schema.json'), 'utf8')) as JsonSchema;
    expect(declaredDefaults(schema)).toEqual(defaults);
  });
});
