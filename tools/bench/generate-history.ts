import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lockfileContent, migrationFolderName } from '../../packages/migrations/src/core/migration-folders';

/**
 * A long, realistic migration history: tables with foreign keys and indexes, added and altered
 * columns, enums, a trigger function, data updates. Migration k depends on what earlier ones made.
 */
export function generateHistory(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration_lock.toml'), lockfileContent('postgresql'));
  const scripts: string[] = [];
  const start = Date.UTC(2020, 0, 1);
  for (let k = 1; k <= count; k++) {
    const sql = migrationSql(k);
    const folder = path.join(dir, migrationFolderName(new Date(start + k * 3_600_000), `step_${k}`));
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'migration.sql'), sql);
    scripts.push(sql);
  }
  return scripts;
}

function migrationSql(k: number): string {
  const table = `"Entity${k}"`;
  switch (k % 5) {
    case 1:
      return (
        [
          `-- CreateTable`,
          `CREATE TABLE ${table} (`,
          `    "id" SERIAL NOT NULL,`,
          `    "name" TEXT NOT NULL,`,
          `    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,`,
          k > 1 ? `    "parentId" INTEGER,` : '',
          `    CONSTRAINT "Entity${k}_pkey" PRIMARY KEY ("id")`,
          `);`,
          `CREATE INDEX "Entity${k}_name_idx" ON ${table}("name");`,
          k > 1
            ? `ALTER TABLE ${table} ADD CONSTRAINT "Entity${k}_parentId_fkey" FOREIGN KEY ("parentId") ` +
              `REFERENCES "Entity${k - 5}"("id") ON DELETE SET NULL ON UPDATE CASCADE;`
            : '',
          '',
        ]
          .filter((line) => line !== '')
          .join('\n') + '\n'
      );
    case 2:
      return `-- AlterTable\nALTER TABLE "Entity${k - 1}" ADD COLUMN "score" INTEGER NOT NULL DEFAULT 0,\nADD COLUMN "notes" JSONB;\n`;
    case 3:
      return (
        `-- CreateEnum\nCREATE TYPE "Status${k}" AS ENUM ('ACTIVE', 'ARCHIVED');\n\n-- ` +
        `AlterTable\nALTER TABLE "Entity${k - 2}" ADD COLUMN "status" "Status${k}" NOT NULL DEFAULT ` +
        `'ACTIVE';\n`
      );
    case 4:
      return (
        `-- Data\nUPDATE "Entity${k - 3}" SET "score" = "score" + 1 WHERE "status" = 'ACTIVE';\n\n` +
        `CREATE FUNCTION "touch${k}"() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW."score" := NEW."score" + 1;\n  RETURN NEW;\nEND;\n$$;\n\n` +
        `CREATE TRIGGER "Entity${k - 3}_touch" BEFORE UPDATE ON "Entity${k - 3}" FOR EACH ROW EXECUTE FUNCTION "touch${k}"();\n`
      );
    default:
      return `-- CreateIndex\nCREATE UNIQUE INDEX "Entity${k - 4}_name_score_key" ON "Entity${k - 4}"("name", "score");\n`;
  }
}

/**
 * The Prisma schema that the first `count` migrations of `generateHistory` leave (the functions and
 * triggers are outside Prisma's model), so that `migrate-test` finds no drift.
 */
export function generatedSchema(count: number): string {
  const entities = new Map<number, string[]>();
  const enums: string[] = [];
  const parents = new Map<number, number>();
  for (let k = 1; k <= count; k++) {
    switch (k % 5) {
      case 1:
        entities.set(k, [
          '  id        Int      @id @default(autoincrement())',
          '  name      String',
          '  createdAt DateTime @default(now())',
        ]);
        if (k > 1) {
          entities.get(k)!.push('  parentId  Int?');
          parents.set(k, k - 5);
        }
        break;
      case 2:
        entities.get(k - 1)!.push('  score     Int      @default(0)', '  notes     Json?');
        break;
      case 3:
        enums.push(`enum Status${k} {\n  ACTIVE\n  ARCHIVED\n}`);
        entities.get(k - 2)!.push(`  status    Status${k} @default(ACTIVE)`);
        break;
      case 0:
        entities.get(k - 4)!.push('  @@unique([name, score])');
        break;
    }
  }
  const models = [...entities].map(([k, fields]) => {
    const relations: string[] = [];
    const parent = parents.get(k);
    if (parent !== undefined)
      relations.push(`  parent    Entity${parent}? @relation(fields: [parentId], references: [id], onDelete: SetNull, onUpdate: Cascade)`);
    if (entities.has(k + 5) && parents.get(k + 5) === k) relations.push(`  children  Entity${k + 5}[]`);
    const attributes = fields.filter((line) => line.startsWith('  @@'));
    const columns = fields.filter((line) => !line.startsWith('  @@'));
    return [`model Entity${k} {`, ...columns, ...relations, '', ...attributes, '  @@index([name])', '}'].join('\n');
  });
  return ['datasource db {\n  provider = "postgresql"\n}', ...enums, ...models].join('\n\n') + '\n';
}
