// Builders for test batches with the exact Arrow types of src/delta/arrowSchema.ts. Timestamps,
// dates and decimals are built from their raw buffers because apache-arrow's builders take
// milliseconds / numbers and would lose exactly the precision the formatters must keep.
import { RecordBatch, Struct, makeData, vectorFromArray, type Data } from 'apache-arrow';
import { toArrowSchema, toArrowType } from '../../../src/delta/arrowSchema';
import { parseDataType, type DataType, type StructType } from '../../../src/delta/schema';

export function deltaType(json: unknown): DataType {
  return parseDataType(json);
}

/** A nullable-columns schema; pass entries when names would be reordered by an object literal. */
export function schemaOf(fields: Record<string, unknown> | [string, unknown][]): StructType {
  return {
    kind: 'struct',
    fields: (Array.isArray(fields) ? fields : Object.entries(fields)).map(([name, type]) => ({ name, type: parseDataType(type), nullable: true, metadata: {} })),
  };
}

export function batchOf(schema: StructType, columns: Data[]): RecordBatch {
  const arrowSchema = toArrowSchema(schema);
  const length = columns[0]?.length ?? 0;
  return new RecordBatch(arrowSchema, makeData({ type: new Struct(arrowSchema.fields), length, nullCount: 0, children: columns }));
}

/** A column built by apache-arrow's own builder (fine for types whose JS values are exact). */
export function built(type: DataType, values: unknown[]): Data {
  return vectorFromArray(values, toArrowType(type)).data[0];
}

function validity(values: readonly unknown[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8) + 1);
  values.forEach((v, i) => { if (v !== null) nullBitmap[i >> 3] |= 1 << (i & 7); });
  return { nullBitmap, nullCount: values.filter((v) => v === null).length };
}

export function timestamps(type: DataType, micros: (bigint | null)[]): Data {
  return makeData({
    type: toArrowType(type), length: micros.length, ...validity(micros),
    data: BigInt64Array.from(micros, (v) => v ?? 0n),
  } as never);
}

export function dates(days: (number | null)[]): Data {
  return makeData({
    type: toArrowType(deltaType('date')), length: days.length, ...validity(days),
    data: Int32Array.from(days, (v) => v ?? 0),
  } as never);
}

/** Decimal128 from unscaled values, as little-endian two's complement words. */
export function decimals(type: DataType, unscaled: (bigint | null)[]): Data {
  const words = new Uint32Array(unscaled.length * 4);
  unscaled.forEach((value, i) => {
    let v = BigInt.asUintN(128, value ?? 0n);
    for (let w = 0; w < 4; w++, v >>= 32n) words[i * 4 + w] = Number(v & 0xffffffffn);
  });
  return makeData({ type: toArrowType(type), length: unscaled.length, ...validity(unscaled), data: words } as never);
}

export function struct(type: DataType, children: Data[], present: boolean[]): Data {
  return makeData({
    type: toArrowType(type), length: present.length, ...validity(present.map((p) => (p ? true : null))), children,
  } as never);
}

/** A map column: `offsets` delimit each row's entries in the key and value columns. */
export function map(type: DataType, offsets: number[], keys: Data, values: Data, present: boolean[]): Data {
  const arrowType = toArrowType(type);
  const entries = makeData({
    type: arrowType.children[0].type, length: keys.length, nullCount: 0, children: [keys, values],
  } as never);
  return makeData({
    type: arrowType, length: present.length, ...validity(present.map((p) => (p ? true : null))),
    valueOffsets: Int32Array.from(offsets), child: entries,
  } as never);
}
