import { SNAPSHOT_CACHE_DIR } from './databases';

// Generator specs run on a virtual workspace root: keep the embedded database's snapshot cache
// in the tests' own folder, not under that root.
process.env['FORGE_MIGRATIONS_CACHE_DIR'] = SNAPSHOT_CACHE_DIR;
