import { describeRule } from '../../../test-support/rules';
import { dropEnumValue } from './ds103-drop-enum-value';

describeRule(dropEnumValue, {
  known: { enums: { Role: ['ADMIN', 'USER', 'GUEST'], Mood: ['HAPPY'] } },
  ok: [
    'ALTER TYPE "Role" ADD VALUE \'OWNER\';',
    'DROP TYPE "Other";',
    'CREATE TYPE "Mood_new" AS ENUM (\'HAPPY\', \'SAD\'); ALTER TYPE "Mood" RENAME TO "Mood_old"; ' +
      'ALTER TYPE "Mood_new" RENAME TO "Mood"; DROP TYPE "Mood_old";',
  ],
  err: [
    [
      'CREATE TYPE "Role_new" AS ENUM (\'ADMIN\', \'USER\'); ALTER TABLE "User" ALTER COLUMN "role" ' +
        'TYPE "Role_new" USING ("role"::text::"Role_new"); ALTER TYPE "Role" RENAME TO "Role_old"; ' +
        'ALTER TYPE "Role_new" RENAME TO "Role"; DROP TYPE "Role_old";',
      /drops value GUEST of enum Role/,
    ],
    [
      'CREATE TYPE "Kind_new" AS ENUM (\'A\'); ALTER TYPE "Kind" RENAME TO "Kind_old"; ALTER TYPE "Kind_new" RENAME TO "Kind"; DROP TYPE "Kind_old";',
      /recreates enum Kind as \(A\): any value missing from it is dropped/,
    ],
  ],
});
