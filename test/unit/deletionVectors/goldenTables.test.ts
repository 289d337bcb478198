import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readParquet } from 'parquet-wasm/node';
import { tableFromIPC, type Table } from 'apache-arrow';
import { readDeletionVector } from '../../../src/delta/deletionVectors/readDeletionVector';
import { keepMask } from '../../../src/delta/deletionVectors/keepMask';
import { uniqueIdOf } from '../../../src/delta/deletionVectors/uniqueId';
import type { DeletionVectorDescriptor } from '../../../src/delta/actions';
import { LocalFileStore } from '../../../src/storage/localFileStore';

// The golden corpus sits beside the repository (../shared), on developer machines and in CI alike.
const GOLDEN = fileURLToPath(new URL('../../../../shared/conformance/golden/', import.meta.url));

interface FileEntry {
  path: string;
  deletionVector?: DeletionVectorDescriptor | null;
}

function extract(name: string): { dir: string; table: string } {
  const dir = mkdtempSync(join(tmpdir(), `dv-golden-${name}-`));
  execFileSync('tar', ['--zstd', '-xf', join(GOLDEN, `${name}.tar.zst`), '-C', dir]);
  return { dir, table: join(dir, name, 'delta') };
}

function readTable(bytes: Uint8Array): Table {
  return tableFromIPC(readParquet(bytes).intoIPCStream());
}

/** Every add/remove of the JSON commits, in version order (these tables keep all their commits). */
function commits(table: string): { add?: FileEntry; remove?: FileEntry }[][] {
  const logDir = join(table, '_delta_log');
  return readdirSync(logDir)
    .filter((f) => /^\d{20}\.json$/.test(f))
    .sort()
    .map((f) => readFileSync(join(logDir, f), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { add?: FileEntry; remove?: FileEntry }));
}

const key = (entry: FileEntry): string => `${entry.path}\u0000${entry.deletionVector ? uniqueIdOf(entry.deletionVector) : ''}`;

/**
 * For each golden table: read every DV its log references (checking cardinality against the
 * descriptor, order and range against the data file's row count), then replay the log and check
 * that the rows surviving the final DVs are exactly the table's expected rows.
 */
for (const { name, column } of [
  { name: 'dv-partitioned-with-checkpoint', column: 'col1' },
  { name: 'dv-with-columnmapping', column: 'col1' },
  { name: 'log-replay-dv-key-cases', column: 'id' },
]) {
  test(`golden ${name}: every DV decodes and the surviving rows are the expected ones`, async () => {
    const { dir, table } = extract(name);
    try {
      const store = new LocalFileStore(table);
      const log = commits(table);
      const schema = JSON.parse(
        log.flat().map((a) => (a as { metaData?: { schemaString: string } }).metaData).find((m) => m)!.schemaString,
      ) as { fields: { name: string; metadata: Record<string, unknown> }[] };
      const field = schema.fields.find((f) => f.name === column)!;
      const physical = (field.metadata['delta.columnMapping.physicalName'] as string | undefined) ?? column;

      const numRows = new Map<string, number>();
      const rowCount = (path: string): number => {
        let n = numRows.get(path);
        if (n === undefined) {
          n = readTable(new Uint8Array(readFileSync(join(table, decodeURIComponent(path))))).numRows;
          numRows.set(path, n);
        }
        return n;
      };

      let checked = 0;
      const live = new Map<string, FileEntry>();
      for (const actions of log) {
        for (const action of actions) {
          const entry = action.add ?? action.remove;
          if (entry?.deletionVector) {
            const rows = await readDeletionVector(store, entry.deletionVector);
            const sorted = rows.toSortedArray();
            assert.equal(rows.cardinality, entry.deletionVector.cardinality);
            assert.equal(sorted.length, entry.deletionVector.cardinality);
            for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1]! < sorted[i]!, 'ascending');
            assert.ok(sorted[0]! >= 0 && sorted[sorted.length - 1]! < rowCount(entry.path), `${entry.path}: in range`);
            checked++;
          }
          if (action.remove) live.delete(key(action.remove));
          if (action.add) live.set(key(action.add), action.add);
        }
      }
      assert.ok(checked >= 5, `checked ${checked} DVs`);

      const survivors: number[] = [];
      for (const entry of live.values()) {
        const data = readTable(new Uint8Array(readFileSync(join(table, decodeURIComponent(entry.path)))));
        const values = data.getChild(physical)!.toArray() as ArrayLike<number | bigint>;
        const mask = entry.deletionVector
          ? keepMask(await readDeletionVector(store, entry.deletionVector), 0, data.numRows)
          : new Uint8Array(data.numRows).fill(1);
        for (let i = 0; i < data.numRows; i++) if (mask[i]) survivors.push(Number(values[i]));
      }
      const expected: number[] = [];
      const expectedDir = join(dir, name, 'expected');
      for (const f of readdirSync(expectedDir).filter((f) => f.endsWith('.parquet'))) {
        const values = readTable(new Uint8Array(readFileSync(join(expectedDir, f)))).getChild(column)!.toArray() as ArrayLike<number | bigint>;
        for (let i = 0; i < values.length; i++) expected.push(Number(values[i]));
      }
      const order = (a: number, b: number): number => a - b;
      assert.ok(expected.length > 0);
      assert.deepEqual(survivors.sort(order), expected.sort(order));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
