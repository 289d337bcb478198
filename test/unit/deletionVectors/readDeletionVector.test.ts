import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readDeletionVector } from '../../../src/delta/deletionVectors/readDeletionVector';
import { createDeletionVectorFile, encodeDeletionVectorFile } from '../../../src/delta/deletionVectors/deletionVectorFile';
import {
  encodeDeletionVectorReference,
  relativeDeletionVectorPath,
  resolveDeletionVectorLocation,
} from '../../../src/delta/deletionVectors/deletionVectorLocation';
import { uniqueIdOf } from '../../../src/delta/deletionVectors/uniqueId';
import { crc32 } from '../../../src/delta/deletionVectors/crc32';
import { z85Encode } from '../../../src/delta/deletionVectors/z85';
import type { DeletionVectorDescriptor } from '../../../src/delta/actions';
import { LocalFileStore } from '../../../src/storage/localFileStore';
import { isDeltaError, type DeltaErrorCode } from '../../../src/delta/errors';

async function withTable(run: (root: string, store: LocalFileStore) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'dv-'));
  try {
    await run(root, new LocalFileStore(root));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function failsWith(code: DeltaErrorCode, ...mentions: string[]): (error: unknown) => boolean {
  return (error) => isDeltaError(error, code) && mentions.every((m) => (error as Error).message.includes(m));
}

test('CRC-32 matches the standard check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('the protocol examples: relative path with prefix, inline bitmap, uniqueId', async () => {
  assert.equal(relativeDeletionVectorPath('ab^-aqEH.-t@S}K{vb[*k^'), 'ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin');
  assert.equal(relativeDeletionVectorPath('vBn[lx{q8@P<9BNH/isA'), 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin');
  assert.equal(encodeDeletionVectorReference('d2c639aa-8816-431a-aaf6-d3fe2512ff61', 'ab'), 'ab^-aqEH.-t@S}K{vb[*k^');

  // "JSON Example 3 — Inline": "The row indexes encoded in this DV are: 3, 4, 7, 11, 18, 29."
  const inline: DeletionVectorDescriptor = {
    storageType: 'i',
    pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L',
    sizeInBytes: 40,
    cardinality: 6,
  };
  const rows = await readDeletionVector(new LocalFileStore(tmpdir()), inline);
  assert.deepEqual(rows.toSortedArray(), Float64Array.of(3, 4, 7, 11, 18, 29));
  assert.equal(rows.has(18), true);
  assert.equal(rows.has(19), false);

  assert.equal(uniqueIdOf(inline), 'iwi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L');
  assert.equal(
    uniqueIdOf({ storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 4, sizeInBytes: 40, cardinality: 6 }),
    'uab^-aqEH.-t@S}K{vb[*k^@4',
  );
});

test('an inline DV we encode (with Z85 padding) reads back', async () => {
  const { bytes, sizeInBytes, offset, cardinality } = encodeDeletionVectorFile([2, 9, 2 ** 40]);
  const bitmap = bytes.subarray(offset + 4, offset + 4 + sizeInBytes);
  assert.notEqual(sizeInBytes % 4, 0, 'the case needs a padded tail group');
  const rows = await readDeletionVector(new LocalFileStore(tmpdir()), {
    storageType: 'i', pathOrInlineDv: z85Encode(bitmap), sizeInBytes, cardinality,
  });
  assert.deepEqual(rows.toSortedArray(), Float64Array.of(2, 9, 2 ** 40));
});

test('a DV file we write has the protocol layout and reads back, large and run-heavy', async () => {
  await withTable(async (_root, store) => {
    const deleted = [...Array.from({ length: 20000 }, (_, i) => i * 5), ...Array.from({ length: 70000 }, (_, i) => 1_000_000 + i)];
    const file = createDeletionVectorFile(deleted, { uuid: 'd2c639aa-8816-431a-aaf6-d3fe2512ff61', prefix: 'ab' });
    assert.equal(file.path, 'ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin');
    assert.deepEqual(file.descriptor, {
      storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 1, sizeInBytes: file.bytes.length - 9, cardinality: 90000,
    });
    const view = new DataView(file.bytes.buffer);
    assert.equal(file.bytes[0], 1);
    assert.equal(view.getUint32(1, false), file.descriptor.sizeInBytes);
    assert.equal(view.getUint32(5, true), 1681511377);
    assert.equal(view.getUint32(file.bytes.length - 4, false), crc32(file.bytes.subarray(5, file.bytes.length - 4)));

    await store.put(file.path, file.bytes);
    const rows = await readDeletionVector(store, file.descriptor);
    assert.equal(rows.cardinality, 90000);
    assert.deepEqual(rows.toSortedArray(), Float64Array.from(deleted));
  });
});

test('reads a DV at a non-zero offset of a file holding several DVs', async () => {
  await withTable(async (_root, store) => {
    const first = encodeDeletionVectorFile([1, 2, 3]);
    const second = encodeDeletionVectorFile([40, 50]);
    // Second frame appended after the first, as Spark packs DVs of several data files in one file.
    const bytes = Uint8Array.from([...first.bytes, ...second.bytes.subarray(1)]);
    const pathOrInlineDv = encodeDeletionVectorReference('61d16c75-6994-46b7-a15b-8b538852e50e');
    await store.put(relativeDeletionVectorPath(pathOrInlineDv), bytes);
    const descriptor = (offset: number, s: { sizeInBytes: number; cardinality: number }): DeletionVectorDescriptor =>
      ({ storageType: 'u', pathOrInlineDv, offset, sizeInBytes: s.sizeInBytes, cardinality: s.cardinality });
    assert.deepEqual((await readDeletionVector(store, descriptor(1, first))).toSortedArray(), Float64Array.of(1, 2, 3));
    const secondOffset = first.bytes.length;
    assert.deepEqual((await readDeletionVector(store, descriptor(secondOffset, second))).toSortedArray(), Float64Array.of(40, 50));
  });
});

test('absolute file:// DVs resolve inside the table store or from the file system root', async () => {
  await withTable(async (root, store) => {
    const file = encodeDeletionVectorFile([7]);
    await mkdir(join(root, 'dvs dir'));
    await writeFile(join(root, 'dvs dir', 'a.bin'), file.bytes);
    const inside: DeletionVectorDescriptor = {
      storageType: 'p', pathOrInlineDv: pathToFileURL(join(root, 'dvs dir', 'a.bin')).href, offset: 1, sizeInBytes: file.sizeInBytes, cardinality: 1,
    };
    assert.match(inside.pathOrInlineDv, /dvs%20dir/);
    const location = resolveDeletionVectorLocation(store, inside);
    assert.equal(location.store, store);
    assert.equal(location.path, 'dvs dir/a.bin');
    assert.deepEqual((await readDeletionVector(store, inside)).toSortedArray(), Float64Array.of(7));

    await withTable(async (otherRoot) => {
      await writeFile(join(otherRoot, 'b.bin'), file.bytes);
      const outside = { ...inside, pathOrInlineDv: pathToFileURL(join(otherRoot, 'b.bin')).href };
      const resolved = resolveDeletionVectorLocation(store, outside);
      assert.notEqual(resolved.store, store);
      assert.deepEqual((await readDeletionVector(store, outside)).toSortedArray(), Float64Array.of(7));
    });

    assert.throws(
      () => resolveDeletionVectorLocation(store, { ...inside, pathOrInlineDv: 's3://bucket/t/deletion_vector_x.bin' }),
      failsWith('DELTA_INVALID_DELETION_VECTOR', 's3://bucket/t/deletion_vector_x.bin', 's3'),
    );
    assert.throws(
      () => resolveDeletionVectorLocation(store, { ...inside, pathOrInlineDv: 'relative/x.bin' }),
      failsWith('DELTA_INVALID_DELETION_VECTOR', 'relative/x.bin'),
    );
  });
});

test('damaged DV files fail with an error naming the file', async () => {
  await withTable(async (root, store) => {
    const file = createDeletionVectorFile([3, 5, 8], { uuid: '0237686e-c424-4e4c-8337-e8bd1b02ea48' });
    const path = join(root, file.path);
    const write = async (mutate: (bytes: Uint8Array) => Uint8Array): Promise<void> => writeFile(path, mutate(file.bytes.slice()));
    const cases: [string, (bytes: Uint8Array) => Uint8Array, DeletionVectorDescriptor, string][] = [
      ['checksum', (b) => { b[b.length - 1]! ^= 1; return b; }, file.descriptor, 'checksum'],
      ['bitmap bit flip', (b) => { b[b.length - 6]! ^= 1; return b; }, file.descriptor, 'checksum'],
      ['version', (b) => { b[0] = 2; return b; }, file.descriptor, 'version 2'],
      ['truncated', (b) => b.subarray(0, b.length - 2), file.descriptor, 'ends before'],
      ['size in log', (b) => b, { ...file.descriptor, sizeInBytes: file.descriptor.sizeInBytes - 2 }, 'says'],
      ['cardinality in log', (b) => b, { ...file.descriptor, cardinality: 4 }, 'holds 3 rows'],
    ];
    for (const [name, mutate, descriptor, why] of cases) {
      await write(mutate);
      await assert.rejects(readDeletionVector(store, descriptor), failsWith('DELTA_INVALID_DELETION_VECTOR', file.path, why), name);
    }
    await rm(path);
    await assert.rejects(readDeletionVector(store, file.descriptor), failsWith('DELTA_FILE_NOT_FOUND', file.path));
  });
});
