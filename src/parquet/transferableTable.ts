import { Data, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { decodedStorageOf, rememberDecodedStorage } from './dictionaryRows';

/** A flat Data's buffers as typed arrays (views kept), which a worker message moves without copying. */
interface MovedData {
  offset: number;
  length: number;
  nullCount: number;
  valueOffsets: ArrayBufferView | undefined;
  values: ArrayBufferView | undefined;
  nullBitmap: ArrayBufferView | undefined;
}

/**
 * One flat column of a batch, with how the decoder found it stored (DecodedStorage), which a
 * rewrite's encoder uses. A column's dictionary is one object in every batch of the message:
 * structured cloning keeps it one, so the receiver makes one Data of it (the encoder translates
 * entries per dictionary Data).
 */
interface MovedColumn extends MovedData {
  storage?: { dictionary: MovedData; indices: Int32Array } | 'overflowed';
}

/** A table of flat columns as a worker posts it: the schema as an IPC message, the batches' buffers to transfer. */
export interface TransferableTable {
  schema: Uint8Array;
  batches: Array<{ length: number; columns: MovedColumn[] }>;
}

/**
 * `table` (flat columns only: no child data) as a message whose buffers are transferred, not
 * copied as an IPC stream would copy them: a decoded row group of 100 MiB crosses for free.
 * `shared`: its buffers in shared memory, which the message shares instead (never in a transfer
 * list). Returns undefined for a nested column (post the IPC stream then).
 */
export function toTransferable(table: Table): { message: TransferableTable; transfer: ArrayBuffer[]; shared: SharedArrayBuffer[] } | undefined {
  const transfer = new Set<ArrayBuffer>();
  const shared = new Set<SharedArrayBuffer>();
  const move = (view: ArrayBufferView | undefined): ArrayBufferView | undefined => {
    // An empty view is cloned.
    if (view === undefined || view.byteLength === 0) return view;
    if (view.buffer instanceof ArrayBuffer) transfer.add(view.buffer);
    else if (view.buffer instanceof SharedArrayBuffer) shared.add(view.buffer);
    return view;
  };
  const moveData = (data: Data): MovedData => ({
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    valueOffsets: move(data.valueOffsets as ArrayBufferView | undefined),
    values: move(data.values as ArrayBufferView | undefined),
    nullBitmap: move(data.nullBitmap as ArrayBufferView | undefined),
  });
  const dictionaries = new Map<Data, MovedData>();
  const batches: TransferableTable['batches'] = [];
  for (const batch of table.batches) {
    const columns: MovedColumn[] = [];
    for (const data of batch.data.children) {
      if (data.children.length > 0) return undefined;
      const column: MovedColumn = moveData(data);
      const storage = decodedStorageOf(data);
      if (storage === 'overflowed') column.storage = storage;
      else if (storage) {
        let dictionary = dictionaries.get(storage.dictionary);
        if (!dictionary) {
          dictionary = moveData(storage.dictionary);
          dictionaries.set(storage.dictionary, dictionary);
        }
        column.storage = { dictionary, indices: move(storage.indices) as Int32Array };
      }
      columns.push(column);
    }
    batches.push({ length: batch.numRows, columns });
  }
  return { message: { schema: tableToIPC(new Table(table.schema), 'stream'), batches }, transfer: [...transfer], shared: [...shared] };
}

/** The table toTransferable sent, over the buffers that came with the message. */
export function fromTransferable(message: TransferableTable): Table {
  const schema: Schema = tableFromIPC(message.schema).schema;
  const struct = new Struct(schema.fields);
  const dictionaries = new Map<MovedData, Data>();
  const batches = message.batches.map(({ length, columns }) => {
    const children = columns.map((column, i) => {
      const type = (schema.fields[i] as Schema['fields'][number]).type;
      const data = dataOf(type, column);
      const { storage } = column;
      if (storage === 'overflowed') rememberDecodedStorage(data, storage);
      else if (storage) {
        let dictionary = dictionaries.get(storage.dictionary);
        if (!dictionary) {
          dictionary = dataOf(type, storage.dictionary);
          dictionaries.set(storage.dictionary, dictionary);
        }
        rememberDecodedStorage(data, { dictionary, indices: storage.indices });
      }
      return data;
    });
    return new RecordBatch(schema, new Data(struct, 0, length, 0, undefined, children));
  });
  return new Table(schema, batches);
}

function dataOf(type: Schema['fields'][number]['type'], moved: MovedData): Data {
  return new Data(type, moved.offset, moved.length, moved.nullCount, [moved.valueOffsets, moved.values, moved.nullBitmap] as never);
}
