import { TimeUnit, Type, type Data, type DataType, type Struct, type Timestamp } from 'apache-arrow';
import { isValidAt } from '../arrow/bitmap';

/** Reads row `row` of one Arrow column as plain JS; undefined for null. */
export type PlainReader = (row: number) => unknown;

const utf8 = new TextDecoder();

/**
 * Builds a reader that turns rows of a column (checkpoint actions: structs, maps, lists, int64)
 * into plain JSON-like JS, as the log actions are declared. Readers are built once per column and
 * work on the buffers: going through Arrow's row proxies (get/toJSON) made checkpoint loading
 * three times slower. Null struct fields are left out, so an absent optional field reads as
 * undefined as in commit JSON; int64 values (sizes, times, versions) become numbers.
 */
export function plainReader(data: Data): PlainReader {
  // apache-arrow's slices narrow value offsets and fixed-width values (read at `row`), not
  // booleans' bits nor validity bitmaps (read at `offset + row`).
  // Most action columns and optional fields of a checkpoint are null in every row of a batch.
  if (data.length > 0 && data.nullCount === data.length) return () => undefined;
  const type = data.type as DataType;
  const valid = (row: number): boolean => isValidAt(data, row);
  switch (type.typeId) {
    case Type.Struct: {
      const names = (type as Struct).children.map((f) => f.name);
      const readers = data.children.map(plainReader);
      return (row) => {
        if (!valid(row)) return undefined;
        const out: Record<string, unknown> = {};
        for (let i = 0; i < readers.length; i++) {
          const value = (readers[i] as PlainReader)(row);
          if (value !== undefined) out[names[i] as string] = value;
        }
        return out;
      };
    }
    case Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const entries = data.children[0] as Data;
      const key = plainReader(entries.children[0] as Data);
      const value = plainReader(entries.children[1] as Data);
      return (row) => {
        if (!valid(row)) return undefined;
        const out: Record<string, unknown> = {};
        const at = row;
        // Map values may be null (a null partition value): keep them as null, never drop the key.
        for (let i = offsets[at] as number; i < (offsets[at + 1] as number); i++) out[String(key(i))] = value(i) ?? null;
        return out;
      };
    }
    case Type.List: {
      const offsets = data.valueOffsets as Int32Array;
      const element = plainReader(data.children[0] as Data);
      return (row) => {
        if (!valid(row)) return undefined;
        const at = row;
        const out: unknown[] = [];
        for (let i = offsets[at] as number; i < (offsets[at + 1] as number); i++) out.push(element(i) ?? null);
        return out;
      };
    }
    case Type.Utf8: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      return (row) => {
        if (!valid(row)) return undefined;
        const at = row;
        return utf8.decode(bytes.subarray(offsets[at] as number, offsets[at + 1] as number));
      };
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return (row) => {
        if (!valid(row)) return undefined;
        const bit = data.offset + row;
        return ((bits[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
      };
    }
    case Type.Int:
    case Type.Float: {
      const values = data.values as unknown as ArrayLike<number | bigint>;
      return (row) => (valid(row) ? Number(values[row]) : undefined);
    }
    case Type.Date: {
      // Epoch milliseconds, as Arrow JS itself reports dates (stats_parsed consumers expect that).
      const days = data.values as Int32Array;
      return (row) => (valid(row) ? (days[row] as number) * 86_400_000 : undefined);
    }
    case Type.Timestamp: {
      // Microseconds as bigint, whatever the stored unit, so no digit is lost.
      const values = data.values as unknown as BigInt64Array;
      const unit = (type as Timestamp).unit;
      const toMicros = unit === TimeUnit.NANOSECOND ? (v: bigint) => v / 1000n
        : unit === TimeUnit.MILLISECOND ? (v: bigint) => v * 1000n
          : unit === TimeUnit.SECOND ? (v: bigint) => v * 1_000_000n : (v: bigint) => v;
      return (row) => (valid(row) ? toMicros(values[row] as bigint) : undefined);
    }
    case Type.Decimal: {
      const words = data.values as Uint32Array;
      return (row) => (valid(row) ? words.subarray(row * 4, row * 4 + 4) : undefined);
    }
    default: {
      const values = data.values as unknown as ArrayLike<unknown>;
      return (row) => (valid(row) ? values[row] : undefined);
    }
  }
}
