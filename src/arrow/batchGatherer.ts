import { util, type RecordBatch } from 'apache-arrow';
import { canConcat, concatBatches } from './concatBatches';

/**
 * Holds small batches of one schema until they make `rows` rows, then gives them back as one
 * batch (concatBatches): a writer given a few hundred rows at a time makes a page per column per
 * call, each compressed alone. A batch of another schema, or of types concatBatches cannot join,
 * is given back as it is, after what was held before it.
 */
export class BatchGatherer {
  private held: RecordBatch[] = [];
  private heldRows = 0;

  constructor(private readonly rows: number) {}

  /** Rows held, not yet given back. */
  get pending(): number {
    return this.heldRows;
  }

  /** Takes `batch`; returns the batches to write now, in order (none while fewer than `rows` rows are held). */
  add(batch: RecordBatch): RecordBatch[] {
    const out: RecordBatch[] = [];
    const first = this.held[0];
    if (first && first.schema !== batch.schema && !util.compareSchemas(first.schema, batch.schema)) out.push(...this.drain());
    if (batch.numRows >= this.rows || !batch.schema.fields.every((field) => canConcat(field.type))) {
      out.push(...this.drain(), batch);
      return out;
    }
    this.held.push(batch);
    this.heldRows += batch.numRows;
    if (this.heldRows >= this.rows) out.push(...this.drain());
    return out;
  }

  /** Gives back what is held (nothing or one batch) and holds nothing. */
  drain(): RecordBatch[] {
    const held = this.held;
    this.held = [];
    this.heldRows = 0;
    return held.length > 0 ? [concatBatches(held)] : [];
  }
}
