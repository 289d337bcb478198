import { Data, DataType as ArrowType, DateDay, DateUnit, RecordBatch, Struct, Type, type Field, type Schema } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import { nullData } from '../../arrow/nullData';
import { takeData } from '../../arrow/takeRows';
import { toArrowSchema, toArrowType } from '../arrowSchema';
import { DeltaError } from '../errors';
import { conformData } from '../scan/conformData';
import type { StructType } from '../schema';

const MS_PER_DAY = 86_400_000n;

/**
 * Converts a batch of incoming data to the table's logical Arrow form: columns matched by name
 * (case-insensitively), in table order, missing ones as NULL, values converted to the table types.
 * The schemas must already have been reconciled (reconcileWriteSchema): this only converts
 * losslessly and never checks what the table accepts.
 */
export function conformBatch(batch: RecordBatch, schema: StructType, arrowSchema: Schema = toArrowSchema(schema)): RecordBatch {
  const length = batch.numRows;
  const fields = batch.schema.fields;
  const children = schema.fields.map((field) => {
    const index = indexOfName(fields, field.name);
    const source = batch.data.children[index];
    if (index < 0 || !source) return nullData(toArrowType(field.type), length);
    return conformData(decodeStorage(source), field.type, 'none', field.name);
  });
  return new RecordBatch(arrowSchema, new Data(new Struct(arrowSchema.fields), 0, length, 0, undefined, children));
}

function indexOfName(fields: readonly Field[], name: string): number {
  const exact = fields.findIndex((f) => f.name === name);
  return exact >= 0 ? exact : fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
}

/** Storage forms conformData does not read: dictionaries, millisecond dates and Null columns. */
function decodeStorage(data: Data): Data {
  const type = data.type as ArrowType;
  if (type.typeId === Type.Null) return nullData(type, data.length);
  if (ArrowType.isDictionary(type)) {
    const dictionary = data.dictionary;
    if (!dictionary || dictionary.data.length !== 1) {
      throw new DeltaError('DELTA_SCHEMA_MISMATCH', 'Dictionary-encoded input with a chunked dictionary is not supported; decode it first.');
    }
    const keys = data.values as unknown as ArrayLike<number | bigint>;
    const indices = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) indices[i] = isValidAt(data, i) ? Number(keys[data.offset + i]) : 0;
    const values = takeData(dictionary.data[0] as Data, indices);
    if (data.nullCount === 0) return values;
    const validity = new Uint8Array(Math.ceil(data.length / 8));
    let nulls = 0;
    for (let i = 0; i < data.length; i++) {
      if (isValidAt(data, i) && isValidAt(values, i)) validity[i >> 3] = (validity[i >> 3] as number) | (1 << (i & 7));
      else nulls++;
    }
    return new Data(values.type, 0, data.length, nulls, [values.valueOffsets as never, values.values as never, validity], values.children);
  }
  if (ArrowType.isDate(type) && type.unit === DateUnit.MILLISECOND) {
    const ms = data.values as unknown as ArrayLike<bigint | number>;
    const days = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = BigInt(ms[data.offset + i] as bigint | number);
      days[i] = Number(v / MS_PER_DAY - (v % MS_PER_DAY < 0n ? 1n : 0n));
    }
    return new Data(new DateDay(), 0, data.length, data.nullCount, [undefined, days as never, rebased(data)]);
  }
  return data;
}

function rebased(data: Data): Uint8Array | undefined {
  if (data.nullCount === 0) return undefined;
  const out = new Uint8Array(Math.ceil(data.length / 8));
  for (let i = 0; i < data.length; i++) if (isValidAt(data, i)) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7));
  return out;
}
