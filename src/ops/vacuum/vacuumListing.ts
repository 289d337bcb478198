import type { ObjectMeta, ObjectStore } from '../../storage/objectStore';

/**
 * The temp file LocalFileStore writes before renaming it into place (tempPathBeside): one left by a writer
 * killed mid-write is an orphan of ours, so VACUUM removes it although its name is hidden.
 */
const STORE_TEMP_FILE = /^\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/**
 * Whether VACUUM must leave a file or folder name alone, by Spark's rule
 * (DeltaTableUtils.isHiddenDirectory): names starting with "." or "_" are hidden (the log,
 * `_SUCCESS` markers, checksum files of other tools), except `_change_data` and `_delta_index`,
 * whose files expire with the data, and partition folders such as `_year=2024` whose column name
 * itself starts with an underscore.
 */
export function isHiddenFromVacuum(name: string, partitionColumns: readonly string[]): boolean {
  if (!name.startsWith('.') && !name.startsWith('_')) return false;
  if (STORE_TEMP_FILE.test(name)) return false;
  if (name.startsWith('_change_data') || name.startsWith('_delta_index')) return false;
  return !partitionColumns.some((column) => name.startsWith(`${column}=`));
}

/** Every file under the table root that VACUUM may consider: no segment of its path is hidden. */
export async function listVacuumableFiles(store: ObjectStore, partitionColumns: readonly string[]): Promise<ObjectMeta[]> {
  const objects = await store.list('', { recursive: true });
  return objects.filter((object) => !object.path.split('/').some((segment) => isHiddenFromVacuum(segment, partitionColumns)));
}
