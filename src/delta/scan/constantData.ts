import { Data, type DataType as ArrowType } from 'apache-arrow';
import { writeInt128 } from '../../arrow/decimal128';
import { nullData } from '../../arrow/nullData';
import { takeData } from '../../arrow/takeRows';
import { toArrowType } from '../arrowSchema';
import { DeltaError } from '../errors';
import { isDecimalValue, type TypedValue } from '../predicate/typedValue';
import type { DataType } from '../schema';

/** `length` copies of one value: a partition column of a data file. */
export function constantData(type: DataType, value: TypedValue, length: number): Data {
  const arrowType = toArrowType(type);
  if (value === null) return nullData(arrowType, length);
  return takeData(singleValue(type, arrowType, value), new Uint32Array(length));
}

function singleValue(type: DataType, arrowType: ArrowType, value: Exclude<TypedValue, null>): Data {
  const fixed = (values: ArrayBufferView): Data => new Data(arrowType, 0, 1, 0, [undefined, values as never, undefined]);
  if (type.kind === 'decimal' && isDecimalValue(value)) {
    const words = new Uint32Array(4);
    writeInt128(words, 0, value.unscaled * 10n ** BigInt(type.scale - value.scale));
    return fixed(words);
  }
  if (type.kind === 'primitive') {
    switch (type.name) {
      case 'string':
      case 'binary': {
        const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value instanceof Uint8Array ? value : undefined;
        if (!bytes) break;
        return new Data(arrowType, 0, 1, 0, [Int32Array.of(0, bytes.length) as never, bytes as never, undefined]);
      }
      case 'boolean':
        if (typeof value === 'boolean') return fixed(Uint8Array.of(value ? 1 : 0));
        break;
      case 'long':
      case 'timestamp':
      case 'timestamp_ntz':
        if (typeof value === 'bigint' || typeof value === 'number') return fixed(BigInt64Array.of(BigInt(value)));
        break;
      case 'integer':
      case 'date':
        if (typeof value === 'number') return fixed(Int32Array.of(value));
        break;
      case 'short':
        if (typeof value === 'number') return fixed(Int16Array.of(value));
        break;
      case 'byte':
        if (typeof value === 'number') return fixed(Int8Array.of(value));
        break;
      case 'float':
        if (typeof value === 'number') return fixed(Float32Array.of(value));
        break;
      case 'double':
        if (typeof value === 'number') return fixed(Float64Array.of(value));
        break;
      default:
        break;
    }
  }
  throw new DeltaError('DELTA_INVALID_ARGUMENT', `Cannot use ${String(value)} as a constant of type ${JSON.stringify(type)}.`);
}
