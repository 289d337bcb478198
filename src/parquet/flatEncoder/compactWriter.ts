/**
 * A Thrift compact-protocol writer for the few structs of a Parquet footer and page header
 * (parquet.thrift). Callers write fields in increasing id order, as the protocol's field-id deltas
 * expect; i64 values are JS numbers (file offsets, sizes and counts stay far below 2^53).
 */

/** Compact protocol type ids. */
export const CT = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

const utf8 = new TextEncoder();

export class CompactWriter {
  private bytes = new Uint8Array(256);
  private length = 0;
  private lastField = 0;
  private readonly parents: number[] = [];

  /** The bytes written so far (a view, valid until the next write). */
  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  i32(field: number, value: number): this {
    this.header(field, CT.I32);
    this.varint(zigzag(value));
    return this;
  }

  i64(field: number, value: number): this {
    this.header(field, CT.I64);
    this.varint(zigzag(value));
    return this;
  }

  byte(field: number, value: number): this {
    this.header(field, CT.BYTE);
    this.push(value & 0xff);
    return this;
  }

  bool(field: number, value: boolean): this {
    this.header(field, value ? CT.TRUE : CT.FALSE);
    return this;
  }

  string(field: number, value: string): this {
    return this.binary(field, utf8.encode(value));
  }

  binary(field: number, value: Uint8Array): this {
    this.header(field, CT.BINARY);
    this.varint(value.length);
    this.append(value);
    return this;
  }

  /** Opens a struct field; `endStruct` closes it. */
  struct(field: number): this {
    this.header(field, CT.STRUCT);
    return this.beginStruct();
  }

  /** Opens a struct that is a list element (no field header). */
  beginStruct(): this {
    this.parents.push(this.lastField);
    this.lastField = 0;
    return this;
  }

  endStruct(): this {
    this.push(0);
    this.lastField = this.parents.pop() ?? 0;
    return this;
  }

  /** A list field's header; the caller then writes `size` elements of `elementType`. */
  list(field: number, elementType: number, size: number): this {
    this.header(field, CT.LIST);
    if (size < 15) this.push((size << 4) | elementType);
    else {
      this.push(0xf0 | elementType);
      this.varint(size);
    }
    return this;
  }

  /** A list element of type I32. */
  elementI32(value: number): this {
    this.varint(zigzag(value));
    return this;
  }

  /** A list element of type BINARY holding a string. */
  elementString(value: string): this {
    const encoded = utf8.encode(value);
    this.varint(encoded.length);
    this.append(encoded);
    return this;
  }

  private header(field: number, type: number): void {
    const delta = field - this.lastField;
    if (delta > 0 && delta <= 15) this.push((delta << 4) | type);
    else {
      this.push(type);
      this.varint(zigzag(field));
    }
    this.lastField = field;
  }

  private varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.push(rest);
  }

  private push(byte: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = byte;
  }

  private append(value: Uint8Array): void {
    if (this.length + value.length > this.bytes.length) this.grow(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

/** Zigzag of a safe integer (as a non-negative number, not limited to 32 bits). */
function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}
