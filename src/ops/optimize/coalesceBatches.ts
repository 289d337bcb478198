import { util, type RecordBatch } from 'apache-arrow';
import { canConcat, concatBatches } from '../../arrow/concatBatches';

/**
 * The rows of `batches` in order, small batches joined into batches of about `maxBytes` of Arrow
 * data (see concatBatches for why). A batch at least that large, of another schema, or of types
 * concatBatches cannot join passes through as it is, after what was gathered before it.
 */
export async function* coalesceBatches(batches: AsyncIterable<RecordBatch>, maxBytes: number): AsyncGenerator<RecordBatch> {
  let gathered: RecordBatch[] = [];
  let bytes = 0;
  const joinable = new WeakMap<object, boolean>();
  const canJoin = (batch: RecordBatch): boolean => {
    let known = joinable.get(batch.schema);
    if (known === undefined) {
      known = batch.schema.fields.every((field) => canConcat(field.type));
      joinable.set(batch.schema, known);
    }
    return known;
  };
  const sameSchema = (batch: RecordBatch): boolean => {
    const first = gathered[0] as RecordBatch;
    return first.schema === batch.schema || util.compareSchemas(first.schema, batch.schema);
  };
  for await (const batch of batches) {
    const size = batch.data.byteLength;
    if (gathered.length > 0 && (!sameSchema(batch) || bytes + size > maxBytes)) {
      yield concatBatches(gathered);
      gathered = [];
      bytes = 0;
    }
    if (size >= maxBytes || !canJoin(batch)) {
      yield batch;
      continue;
    }
    gathered.push(batch);
    bytes += size;
  }
  if (gathered.length > 0) yield concatBatches(gathered);
}
