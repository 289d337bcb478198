import { Data, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC } from 'apache-arrow';

/** One flat column of a batch: its Arrow buffers as typed arrays (views kept), which a worker message moves without copying. */
interface MovedColumn {
  offset: number;
  length: number;
  nullCount: number;
  valueOffsets: ArrayBufferView | undefined;
  values: ArrayBufferView | undefined;
  nullBitmap: ArrayBufferView | undefined;
}

/** A table of flat columns as a worker posts it: the schema as an IPC message, the batches' buffers to transfer. */
export interface TransferableTable {
  schema: Uint8Array;
  batches: Array<{ length: number; columns: MovedColumn[] }>;
}

/**
 * `table` (flat columns only: no child data) as a message whose buffers are transferred, not
 * copied as an IPC stream would copy them: a decoded row group of 100 MiB crosses for free.
 * Returns undefined for a nested column (post the IPC stream then).
 */
export function toTransferable(table: Table): { message: TransferableTable; transfer: ArrayBuffer[] } | undefined {
  const transfer = new Set<ArrayBuffer>();
  const move = (view: ArrayBufferView | undefined): ArrayBufferView | undefined => {
    // Shared memory is shared by the message anyway; an empty view is cloned.
    if (view !== undefined && view.byteLength > 0 && view.buffer instanceof ArrayBuffer) transfer.add(view.buffer);
    return view;
  };
  const batches: TransferableTable['batches'] = [];
  for (const batch of table.batches) {
    const columns: MovedColumn[] = [];
    for (const data of batch.data.children) {
      if (data.children.length > 0) return undefined;
      columns.push({
        offset: data.offset,
        length: data.length,
        nullCount: data.nullCount,
        valueOffsets: move(data.valueOffsets as ArrayBufferView | undefined),
        values: move(data.values as ArrayBufferView | undefined),
        nullBitmap: move(data.nullBitmap as ArrayBufferView | undefined),
      });
    }
    batches.push({ length: batch.numRows, columns });
  }
  return { message: { schema: tableToIPC(new Table(table.schema), 'stream'), batches }, transfer: [...transfer] };
}

/** The table toTransferable sent, over the buffers that came with the message. */
export function fromTransferable(message: TransferableTable): Table {
  const schema: Schema = tableFromIPC(message.schema).schema;
  const struct = new Struct(schema.fields);
  const batches = message.batches.map(({ length, columns }) => {
    const children = columns.map((column, i) => {
      const type = (schema.fields[i] as Schema['fields'][number]).type;
      return new Data(type, column.offset, column.length, column.nullCount, [column.valueOffsets, column.values, column.nullBitmap] as never);
    });
    return new RecordBatch(schema, new Data(struct, 0, length, 0, undefined, children));
  });
  return new Table(schema, batches);
}
