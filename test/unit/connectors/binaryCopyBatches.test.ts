import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaryCopyBatches } from '../../../src/connectors/postgres/binaryCopyBatches';
import { toArrowSchema } from '../../../src/delta/arrowSchema';
import type { StructType } from '../../../src/delta/schema';

const SCHEMA: StructType = {
  kind: 'struct',
  fields: [
    { name: 'id', type: { kind: 'primitive', name: 'long' }, nullable: false, metadata: {} },
    { name: 'name', type: { kind: 'primitive', name: 'string' }, nullable: true, metadata: {} },
    { name: 'n', type: { kind: 'primitive', name: 'integer' }, nullable: true, metadata: {} },
  ],
};

type Row = [bigint, string | null, number | null];

/** A `COPY … TO STDOUT (FORMAT binary)` stream of `rows`, as PostgreSQL writes it (with a header extension area). */
function copyStream(rows: readonly Row[]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 3, 9, 9, 9])];
  for (const [id, name, n] of rows) {
    const row = Buffer.alloc(2 + 4 + 8);
    row.writeInt16BE(3, 0);
    row.writeInt32BE(8, 2);
    row.writeBigInt64BE(id, 6);
    parts.push(row);
    if (name === null) parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    else {
      const text = Buffer.from(name, 'utf8');
      const size = Buffer.alloc(4);
      size.writeInt32BE(text.length, 0);
      parts.push(size, text);
    }
    const int = Buffer.alloc(n === null ? 4 : 8);
    int.writeInt32BE(n === null ? -1 : 4, 0);
    if (n !== null) int.writeInt32BE(n, 4);
    parts.push(int);
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

async function* chunked(bytes: Buffer, sizes: () => number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length;) {
    const size = Math.max(1, sizes());
    // Each chunk a copy of its own, as off a socket: the decoder must not rely on one buffer.
    yield Uint8Array.from(bytes.subarray(at, at + size));
    at += size;
  }
}

test('binary COPY decodes to the same rows however the stream is cut into chunks (rows straddling chunks, long rows, batch limits)', async () => {
  const rows: Row[] = [];
  for (let i = 0; i < 3000; i++) {
    // Every 97th name spans several small chunks; two are longer than the 256 KiB gathering buffer.
    const long = i === 1455 || i === 2910 ? 'ü'.repeat(135_000 + i) : 'é'.repeat(3000 + i);
    const name = i % 13 === 0 ? null : i % 97 === 0 ? `long ${long}` : `name ${i} ${'x'.repeat(i % 50)}`;
    rows.push([BigInt(i) * 1_000_003n - 5n, name, i % 7 === 0 ? null : i * -31]);
  }
  const bytes = copyStream(rows);
  const schema = toArrowSchema(SCHEMA);
  const decoders = [{ kind: 'int64' }, { kind: 'bytes' }, { kind: 'int32' }] as const;
  let seed = 7;
  const random = (max: number) => (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return 1 + (seed % max);
  };
  const cuts: Array<[string, () => number]> = [
    ['whole', () => bytes.length], ['1 byte', () => 1], ['3 bytes', () => 3], ['64 KiB', () => 65_536],
    ['random up to 50', random(50)], ['random up to 9000', random(9000)], ['random up to 200000', random(200_000)],
  ];
  for (const [name, sizes] of cuts) {
    const decoded: Row[] = [];
    let batches = 0;
    for await (const batch of binaryCopyBatches(chunked(bytes, sizes), schema, decoders, { rows: 700, bytes: 1 << 30 })) {
      batches++;
      for (const row of batch) decoded.push([row.id as bigint, row.name as string | null, row.n as number | null]);
    }
    assert.equal(batches, 5, name);
    assert.deepEqual(decoded, rows, name);
  }
  await assert.rejects(async () => {
    let read = 0;
    for await (const batch of binaryCopyBatches(chunked(bytes.subarray(0, bytes.length - 2), () => 5000), schema, decoders)) read += batch.numRows;
    return read;
  }, /ended before its trailer/);
});

test('text values of every short length are copied exactly, also as the last bytes of a chunk (jsonb without its version byte)', async () => {
  const fields: StructType = {
    kind: 'struct',
    fields: [
      { name: 'doc', type: { kind: 'primitive', name: 'string' }, nullable: true, metadata: {} },
      { name: 'name', type: { kind: 'primitive', name: 'string' }, nullable: true, metadata: {} },
    ],
  };
  const names: Array<string | null> = [];
  for (let length = 0; length <= 80; length++) names.push('abcdefghij'.repeat(9).slice(0, length), `é${'ü'.repeat(length >> 1)}`, null);
  const value = (text: string | null, prefix: number[]): Buffer[] => {
    if (text === null) return [Buffer.from([0xff, 0xff, 0xff, 0xff])];
    const body = Buffer.concat([Buffer.from(prefix), Buffer.from(text, 'utf8')]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length, 0);
    return [size, body];
  };
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const [i, name] of names.entries()) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(2, 0);
    // jsonb's binary form is a version byte (1) and the text; the name is the row's last value.
    parts.push(count, ...value(i % 3 === 1 ? null : `{"i":${i}}`, [1]), ...value(name, []));
  }
  parts.push(Buffer.from([0xff, 0xff]));
  const bytes = Buffer.concat(parts);
  const schema = toArrowSchema(fields);
  const decoders = [{ kind: 'jsonb' }, { kind: 'bytes' }] as const;
  for (const size of [bytes.length, 1, 2, 5, 7, 64, 1000]) {
    const decoded: Array<[string | null, string | null]> = [];
    for await (const batch of binaryCopyBatches(chunked(bytes, () => size), schema, decoders, { rows: 50, bytes: 1 << 30 })) {
      for (const row of batch) decoded.push([row.doc as string | null, row.name as string | null]);
    }
    assert.deepEqual(decoded, names.map((name, i) => [i % 3 === 1 ? null : `{"i":${i}}`, name]), `chunks of ${size}`);
  }
});
