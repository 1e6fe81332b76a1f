import type { Rule } from './rule';
import { columnRequired } from './rules/bc103-column-required';
import { columnType } from './rules/bc104-column-type';
import { renameColumn } from './rules/bc102-rename-column';
import { renameTable } from './rules/bc101-rename-table';
import { castCanFail } from './rules/dd103-cast-can-fail';
import { foreignKeyOverRows } from './rules/dd104-foreign-key-over-rows';
import { checkOverRows } from './rules/dd105-check-over-rows';
import { notNullOverRows } from './rules/dd102-not-null-over-rows';
import { uniqueOverRows } from './rules/dd101-unique-over-rows';
import { dropColumn } from './rules/ds102-drop-column';
import { dropEnumValue } from './rules/ds103-drop-enum-value';
import { dropTable } from './rules/ds101-drop-table';
import { lossyTypeChange } from './rules/ds104-lossy-type-change';
import { unconditionalDelete } from './rules/ds105-unconditional-delete';
import { checkValidated } from './rules/lk104-check-validated';
import { foreignKeyValidated } from './rules/lk103-foreign-key-validated';
import { indexNotConcurrent } from './rules/lk101-index-not-concurrent';
import { noLockTimeout } from './rules/lk106-no-lock-timeout';
import { dropIndexNotConcurrent } from './rules/lk107-drop-index-not-concurrent';
import { typeChangeRewrite } from './rules/lk105-type-change-rewrite';
import { volatileDefault } from './rules/lk102-volatile-default';

/** Every rule. Codes are stable: a retired rule's code is never given to another. */
export const RULES: readonly Rule[] = [
  dropTable,
  dropColumn,
  dropEnumValue,
  lossyTypeChange,
  unconditionalDelete,
  renameTable,
  renameColumn,
  columnRequired,
  columnType,
  indexNotConcurrent,
  volatileDefault,
  foreignKeyValidated,
  checkValidated,
  typeChangeRewrite,
  noLockTimeout,
  dropIndexNotConcurrent,
  uniqueOverRows,
  notNullOverRows,
  castCanFail,
  foreignKeyOverRows,
  checkOverRows,
];
