import type { Tree } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChangeRequest } from '../../core/changes/change';
import { parseChangeRequest, parseJson } from '../../core/changes/descriptor';
import { ForgeError } from '../../core/errors';
import type { MigrationGeneratorSchema } from '../../generators/migration/schema';

export interface RequestedChange {
  request: ChangeRequest;
  /** The descriptor(s) as given, echoed in the docs. */
  descriptor: unknown;
}

/** The change the options ask for, or undefined for schema mode (no change given). */
export function readChangeRequest(tree: Tree, options: MigrationGeneratorSchema): RequestedChange | undefined {
  if (options.descriptor) {
    if (options.changeType || options.changes) {
      throw new ForgeError('DESCRIPTOR_INVALID', '--descriptor and --changeType/--changes both describe the change.', 'Give one of them.');
    }
    const descriptor = parseJson(readDescriptorFile(tree, options.descriptor), options.descriptor);
    return { request: parseChangeRequest(descriptor, options.descriptor), descriptor };
  }
  if (!options.changeType) {
    if (options.changes || options.targetTable) {
      throw new ForgeError(
        'DESCRIPTOR_INVALID',
        '--changes and --targetTable need --changeType.',
        'Add --changeType, or leave all three out to take the changes made to schema.prisma.',
      );
    }
    return undefined;
  }
  const changes = typeof options.changes === 'string' ? parseJson(options.changes, '--changes') : (options.changes ?? {});
  const descriptor = { migrationName: options.migrationName, changeType: options.changeType, targetTable: options.targetTable, changes };
  return { request: parseChangeRequest(descriptor, 'the options'), descriptor };
}

function readDescriptorFile(tree: Tree, file: string): string {
  const inTree = path.isAbsolute(file) ? path.relative(tree.root, file) : file;
  const content = !inTree.startsWith('..') ? tree.read(inTree, 'utf-8') : null;
  if (content !== null) return content;
  const onDisk = path.resolve(tree.root, file);
  if (existsSync(onDisk)) return readFileSync(onDisk, 'utf8');
  throw new ForgeError(
    'DESCRIPTOR_INVALID',
    `The descriptor file ${file} does not exist.`,
    'Give its path relative to the workspace root.',
  );
}
