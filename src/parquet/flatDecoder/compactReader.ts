/**
 * A cursor over Thrift compact protocol bytes (the Thrift spec's compact protocol, as parquet.thrift
 * uses it): shared by CONVERT's footer statistics reader and the flat Parquet decoder, which read
 * only the fields they need and skip the rest without building objects.
 */

/** Compact protocol type ids. */
export const TT = {
  TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12,
} as const;

const utf8 = new TextDecoder();

export class CompactReader {
  offset: number;
  /** The type of the field nextField last returned. */
  fieldType = 0;
  private listType = 0;

  constructor(private readonly bytes: Uint8Array, offset = 0) {
    this.offset = offset;
  }

  /**
   * The id of the struct's next field (its type in `fieldType`), or 0 at the struct's end. `previous`
   * is the id of the field before it (0 for the first): ids are stored as deltas. The caller must
   * read or skip the field's value before asking for the next one.
   */
  nextField(previous: number): number {
    const header = this.byte();
    this.fieldType = header & 0x0f;
    if (this.fieldType === 0) return 0; // STOP
    const delta = header >> 4;
    return delta === 0 ? zigzag(this.varint()) : previous + delta;
  }

  /** Reads a list header and returns its size; its elements follow. */
  listOf(expected: number): number {
    const size = this.listHeader();
    if (size > 0 && this.listType !== expected) throw new Error(`a list of Thrift type ${this.listType} where type ${expected} was expected`);
    return size;
  }

  /** i16, i32 and i64 share the zigzag varint encoding; exact up to 2^53. */
  readInt(): number {
    return zigzag(this.varint());
  }

  readByte(): number {
    const value = this.byte();
    return value > 127 ? value - 256 : value;
  }

  readI64(): number {
    return this.readInt();
  }

  /** The value of a boolean field: it is in the field header (`fieldType`). */
  boolField(): boolean {
    return this.fieldType === TT.TRUE;
  }

  readBinary(): Uint8Array {
    const length = this.varint();
    const end = this.offset + length;
    if (end > this.bytes.byteLength) throw new Error(`a Thrift binary of ${length} bytes runs past the end of the data`);
    const value = this.bytes.subarray(this.offset, end);
    this.offset = end;
    return value;
  }

  readString(): string {
    return utf8.decode(this.readBinary());
  }

  skip(type: number): void {
    switch (type) {
      case TT.TRUE:
      case TT.FALSE:
        return; // the value is in the field header
      case TT.BYTE:
        this.offset++;
        return;
      case TT.I16:
      case TT.I32:
      case TT.I64:
        this.varint();
        return;
      case TT.DOUBLE:
        this.offset += 8;
        return;
      case TT.BINARY:
        this.readBinary();
        return;
      case TT.LIST:
      case TT.SET: {
        const size = this.listHeader();
        const element = this.listType;
        // Booleans inside a list take one byte each, unlike boolean fields.
        for (let i = 0; i < size; i++) {
          if (element === TT.TRUE || element === TT.FALSE) this.offset++;
          else this.skip(element);
        }
        return;
      }
      case TT.MAP: {
        const size = this.varint();
        if (size === 0) return;
        const kinds = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kinds >> 4);
          this.skip(kinds & 0x0f);
        }
        return;
      }
      case TT.STRUCT:
        for (let field = this.nextField(0); field > 0; field = this.nextField(field)) this.skip(this.fieldType);
        return;
      default:
        throw new Error(`unknown Thrift type ${type}`);
    }
  }

  /** The list's size; its element type goes to `listType`. */
  private listHeader(): number {
    const header = this.byte();
    this.listType = header & 0x0f;
    const short = header >> 4;
    return short === 15 ? this.varint() : short;
  }

  private byte(): number {
    const value = this.bytes[this.offset++];
    if (value === undefined) throw new Error('the Thrift data ends in the middle of a value');
    return value;
  }

  /** Unsigned LEB128; exact up to 2^53, beyond any row count or length a footer holds. */
  private varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('a Thrift varint longer than 64 bits');
    }
  }
}

function zigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}
