import { Data, RecordBatch, Struct, type Schema } from 'apache-arrow';
import { toArrowSchema } from '../arrowSchema';
import type { AddCDCFile } from '../actions';
import { constantData } from '../scan/constantData';
import { COLUMN_MAPPING_PHYSICAL_NAME_KEY, primitive, type StructField } from '../schema';
import type { Transaction } from '../transaction/transaction';
import type { DataFileWriter } from './dataFileWriter';
import { fileWriterFor, type FileWriterOptions } from './fileWriterFor';

export const CHANGE_TYPE_COLUMN = '_change_type';
export const CHANGE_DATA_DIR = '_change_data/';

export type ChangeType = 'insert' | 'delete' | 'update_preimage' | 'update_postimage';

/**
 * Writes Change Data Feed files ("Change Data Files" in PROTOCOL.md) for a DML commit on a table
 * with `delta.enableChangeDataFeed`: the changed rows plus a `_change_type` column, partitioned like
 * the table, under `_change_data/`; finish() gives the `cdc` actions.
 */
export class ChangeDataWriter {
  private readonly writer: DataFileWriter;
  private readonly schema: Schema;

  constructor(tx: Transaction, options: FileWriterOptions = {}) {
    const changeField: StructField = {
      name: CHANGE_TYPE_COLUMN,
      type: primitive('string'),
      nullable: false,
      metadata: tx.columnMappingMode === 'none' ? {} : { [COLUMN_MAPPING_PHYSICAL_NAME_KEY]: CHANGE_TYPE_COLUMN },
    };
    const tableSchema = tx.schema;
    const cdcSchema = { kind: 'struct' as const, fields: [...tableSchema.fields, changeField] };
    this.writer = fileWriterFor(tx, options, CHANGE_DATA_DIR, cdcSchema);
    this.schema = toArrowSchema(cdcSchema);
  }

  /** Adds logical rows of the table (all its columns, in order) as changes of one type. */
  async write(rows: RecordBatch, changeType: ChangeType): Promise<void> {
    if (rows.numRows === 0) return;
    // Rows of a row-tracking table may carry materialized row id columns after the table's: cdc files hold none.
    const children = [...rows.data.children.slice(0, this.schema.fields.length - 1), constantData(primitive('string'), changeType, rows.numRows)];
    await this.writer.write(new RecordBatch(this.schema, new Data(new Struct(this.schema.fields), 0, rows.numRows, 0, undefined, children)));
  }

  async finish(): Promise<AddCDCFile[]> {
    const files = await this.writer.finish();
    return files.map((f) => ({ path: f.path, partitionValues: f.partitionValues, size: f.size, dataChange: false }));
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}
