import { Data, Type, type DataType } from 'apache-arrow';

/** `length` rows of nulls of any Arrow type (a column missing from a data file reads as nulls). */
export function nullData(type: DataType, length: number): Data {
  const validity = new Uint8Array(Math.ceil(length / 8));
  switch (type.typeId) {
    case Type.Null:
      return new Data(type, 0, length, length);
    case Type.Struct:
      return new Data(type, 0, length, length, [undefined, undefined, validity],
        type.children.map((field) => nullData(field.type, length)));
    case Type.List:
    case Type.Map:
      return new Data(type, 0, length, length, [new Int32Array(length + 1) as never, undefined, validity],
        [nullData((type.children[0] as { type: DataType }).type, 0)]);
    case Type.Utf8:
    case Type.Binary:
      return new Data(type, 0, length, length, [new Int32Array(length + 1) as never, new Uint8Array(0) as never, validity]);
    case Type.Bool:
      return new Data(type, 0, length, length, [undefined, new Uint8Array(Math.ceil(length / 8)) as never, validity]);
    default: {
      const ArrayType = type.ArrayType as new (n: number) => ArrayBufferView;
      const stride = type.typeId === Type.Decimal ? 4 : 1;
      return new Data(type, 0, length, length, [undefined, new ArrayType(length * stride) as never, validity]);
    }
  }
}
