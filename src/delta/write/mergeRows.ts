import { Data, RecordBatch, Struct } from 'apache-arrow';
import { filterBatch, takeData } from '../../arrow/takeRows';
import type { AddFile } from '../actions';
import { toArrowSchema } from '../arrowSchema';
import type { DeletedRows } from '../deletionVectors/deletedRows';
import { readDeletionVector } from '../deletionVectors/readDeletionVector';
import { DeltaError } from '../errors';
import type { Predicate } from '../predicate/ast';
import { columnsOfExpression } from '../predicate/columnsOfExpression';
import { compileExpression, type ColumnValues, type RowValue } from '../predicate/compileExpression';
import type { ColumnExpression } from '../predicate/expression';
import { columnCells } from '../predicate/readCell';
import type { NonNullValue } from '../predicate/typedValue';
import type { StructField } from '../schema';
import type { Snapshot } from '../snapshot';
import { materializedRowColumns } from '../transaction/rowTracking';
import { Transaction } from '../transaction/transaction';
import { applyAssignments } from './assignments';
import type { BatchSource } from './batchSource';
import { conformBatch } from './conformBatch';
import { ConstraintChecker, tableConstraints } from './constraints';
import { deltaSchemaFromArrow } from './deltaTypeFromArrow';
import { DmlWrites, prestartRewriteWorker, type DmlWriteOptions } from './dmlWrites';
import { evolveSchema } from './evolveSchema';
import { compileMergeClauses, insertedRows, type CompiledClause, type MatchedClause, type NotMatchedBySourceClause, type NotMatchedClause } from './mergeClauses';
import { keptRows } from './keptRows';
import { MergeKeyIndex, type KeyHits, type SourceEntry } from './mergeKeyIndex';
import { carryRowIds } from './materializedRowColumns';
import type { FileChange } from './rewriteFiles';
import { openTable, type TableLocation } from './tableLocation';
import { unmatchableRows } from './unmatchableRows';
import type { WriteSummary } from './writeSummary';

export interface MergeOptions extends DmlWriteOptions {
  /** Columns identifying a row in both the table and the source (ON t.k = s.k AND ...). */
  key: string[];
  /**
   * WHEN MATCHED clauses, first matching one wins. Default: `whenMatched` ('update': UPDATE SET *;
   * 'ignore': none), after a delete clause for `deleteWhen`.
   */
  matched?: MatchedClause[];
  /** WHEN NOT MATCHED clauses. Default: `whenNotMatched` ('insert': INSERT *; 'ignore': none). */
  notMatched?: NotMatchedClause[];
  /** WHEN NOT MATCHED BY SOURCE clauses (none by default): every target file is then read. */
  notMatchedBySource?: NotMatchedBySourceClause[];
  /** A condition on SOURCE columns (unqualified names): a matched target row is deleted when it holds. */
  deleteWhen?: string;
  whenMatched?: 'update' | 'ignore';
  whenNotMatched?: 'insert' | 'ignore';
  /** Add the source's extra columns to the table (columns only conditions and SET values read are never added). */
  mergeSchema?: boolean;
}

export interface MergeSummary extends WriteSummary {
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
}

interface SourceBatch {
  /** As read, for conditions and SET values on source columns (`s.op` need not be a table column). */
  raw: RecordBatch;
  /** In the table's logical types: the rows UPDATE SET * and INSERT * write. */
  rows: RecordBatch;
  /** 1 where the row matched at least one live target row. */
  matched: Uint8Array;
}

/**
 * What match() decided for the selected rows of one target file, in row order: onMatched() sees
 * the same rows in the same order (rewriteFile may run every match first), `next` is its place.
 */
interface Pending { clauses: CompiledClause[]; refs: Array<SourceEntry | undefined>; next: number }

/**
 * MERGE INTO table USING source ON key equality with WHEN MATCHED [AND cond] UPDATE/DELETE,
 * WHEN NOT MATCHED [AND cond] INSERT and WHEN NOT MATCHED BY SOURCE [AND cond] UPDATE/DELETE
 * clauses, the first clause whose condition holds deciding a row, as in Delta on Spark. The source
 * is held in memory with an index on its key; unless a not-matched-by-source clause needs every
 * target row, only target files whose key statistics overlap the source's key range are read, and
 * only those with affected rows are rewritten (or given deletion vectors). Two source rows
 * matching one target row are an error, as in Spark, since the result would depend on their order.
 */
export async function mergeRows(location: TableLocation, source: BatchSource, options: MergeOptions): Promise<MergeSummary> {
  if (options.key.length === 0) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'MERGE needs at least one key column.');
  const tx = await Transaction.start(await openTable(location));
  // The worker loads while the source is read and indexed (about 0.3 s idle at the first file's first row group when it started after).
  prestartRewriteWorker(tx, options);
  const snapshot = tx.snapshot as Snapshot;
  const raw: RecordBatch[] = [];
  for await (const batch of source) raw.push(batch);
  const sourceSchema = raw[0] ? deltaSchemaFromArrow(raw[0].schema) : tx.schema;
  const clauses = compileMergeClauses({
    matched: options.matched ?? ((options.whenMatched ?? 'update') === 'update' ? [{ action: 'update' }] : []),
    notMatched: options.notMatched ?? ((options.whenNotMatched ?? 'insert') === 'insert' ? [{ action: 'insert' }] : []),
    notMatchedBySource: options.notMatchedBySource ?? [],
    ...(options.deleteWhen !== undefined ? { legacyDeleteWhen: options.deleteWhen } : {}),
  }, tx.schema, sourceSchema);
  const all = [...clauses.matched, ...clauses.notMatched, ...clauses.notMatchedBySource];
  const sourceRows = raw.filter((b) => b.numRows > 0);
  if (all.length === 0 || (sourceRows.length === 0 && clauses.notMatchedBySource.length === 0)) {
    return { version: tx.readVersion, rowsAdded: 0, rowsRemoved: 0, filesAdded: 0, filesRemoved: 0, bytesAdded: 0, rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0 };
  }
  // Source columns only conditions and SET values read are not table columns to add.
  const readOnly = new Set(all.flatMap((c) => [c.condition, ...(c.assignments ?? []).map((a) => a.value)])
    .flatMap((e) => (e ? columnsOfExpression(e) : []))
    .filter((c) => c.side === 'source' && !tx.schema.fields.some((f) => f.name.toLowerCase() === c.path[0]!.toLowerCase()))
    .map((c) => c.path[0]!));
  const copiesSourceRows = all.some((c) => (c.action === 'insert' || c.action === 'update') && !c.assignments);
  if (raw[0] && copiesSourceRows) evolveSchema(tx, raw[0].schema.fields.filter((f) => !readOnly.has(f.name)), options.mergeSchema ?? false);

  const schema = tx.schema;
  const arrowSchema = toArrowSchema(schema);
  const keyFields = options.key.map((name) => keyField(schema.fields, name));
  const sources: SourceBatch[] = sourceRows.map((batch) => ({
    raw: batch,
    rows: conformBatch(batch, schema, arrowSchema),
    matched: new Uint8Array(batch.numRows),
  }));
  const index = new MergeKeyIndex(sources.map((s) => s.rows), keyFields);
  // A lone unconditional DELETE gives the same result whichever duplicate matched (Spark allows it).
  const duplicatesMatter = clauses.matched.length > 0 && !(clauses.matched.length === 1 && clauses.matched[0]!.action === 'delete' && !clauses.matched[0]!.condition);
  const sourceColumns = sourceColumnCache(sources);

  const writes = new DmlWrites(tx, options);
  const rowIdColumn = materializedRowColumns(tx.metadata)?.rowId;
  const constraints = tableConstraints(schema, tx.properties);
  const checker = new ConstraintChecker(constraints, schema);
  // Deciding a row reads its key and the target columns of the conditions; other columns are
  // decoded only for files with affected rows.
  const matchColumns = [...new Set([
    ...keyFields.map((f) => f.name),
    ...[...clauses.matched, ...clauses.notMatchedBySource].flatMap((c) => (c.condition ? columnsOfExpression(c.condition) : []))
      .filter((c) => c.side === 'target').map((c) => c.path[0]!),
  ])];
  // Only not-matched-by-source clauses select target rows without a source row: then every row is decided.
  const everyFile = clauses.notMatchedBySource.length > 0;
  const range = everyFile ? undefined : keyRangePredicate(index.ranges, keyFields);
  const candidates = !everyFile && index.size === 0 ? [] : snapshot.scan(range ? { where: range } : {}).plan();
  if (everyFile || index.size > 0) tx.readPredicate(range);
  tx.readFiles(candidates);

  const matchedConditions = clauses.matched.some((c) => c.condition);
  const insertsReadSource = clauses.notMatched.some((c) => c.condition || c.assignments);
  const counts = { matchedUpdated: 0, matchedDeleted: 0, bySourceUpdated: 0, bySourceDeleted: 0 };

  const fileChange = async (file: AddFile): Promise<FileChange> => {
    // rewriteFile hands match() every row, deleted ones too, and onMatched() only the live selected
    // ones: the file's deletion vector, read here as well, keeps the two in step.
    const deleted = await deletedRowsOf(snapshot, file);
    let rowOffset = 0;
    const pending: Pending = { clauses: [], refs: [], next: 0 };

    const match = (batch: RecordBatch): Uint8Array => {
      const n = batch.numRows;
      const start = rowOffset;
      rowOffset += n;
      const out = new Uint8Array(n);
      // About 1% of target rows match: the rows with a source row are gathered first, and the
      // deletion vector is asked about those only.
      const hitRows: number[] = [];
      const hitRefs: SourceEntry[] = [];
      const duplicate = gatherHits(index.hits(batch), deleted, start, hitRows, hitRefs);
      if (duplicate && duplicatesMatter) throw duplicateError(sources, keyFields, duplicate);
      for (const ref of hitRefs) sources[ref.batch]!.matched[ref.row] = 1;
      const decide = (row: number, ref: SourceEntry | undefined, clause: CompiledClause | undefined): void => {
        if (!clause) return;
        out[row] = 1;
        pending.clauses.push(clause);
        pending.refs.push(ref);
      };
      // Conditions read source columns through refs[row]; a whole-batch array only when one can.
      const refs: Array<SourceEntry | undefined> = everyFile || matchedConditions ? new Array<SourceEntry | undefined>(n) : [];
      if (refs.length > 0) hitRows.forEach((row, i) => { refs[row] = hitRefs[i]; });
      const matchedDecide = decider(clauses.matched, batch, refs, sourceColumns);
      if (!everyFile) {
        hitRows.forEach((row, i) => decide(row, hitRefs[i], matchedDecide(row)));
        return out;
      }
      const bySourceDecide = decider(clauses.notMatchedBySource, batch, refs, sourceColumns);
      for (let row = 0; row < n; row++) {
        if (deleted?.has(start + row)) continue;
        const ref = refs[row];
        decide(row, ref, ref ? matchedDecide(row) : bySourceDecide(row));
      }
      return out;
    };

    const onMatched = async (rows: RecordBatch): Promise<void> => {
      const decided = pending.clauses.slice(pending.next, pending.next + rows.numRows);
      const refs = pending.refs.slice(pending.next, pending.next + rows.numRows);
      pending.next += rows.numRows;
      if (decided.length !== rows.numRows) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'Internal: MERGE lost track of the matched rows of a data file.');
      for (const clause of new Set(decided)) {
        const mask = Uint8Array.from(decided, (c) => (c === clause ? 1 : 0));
        const selected = filterBatch(rows, mask);
        const selectedRefs = refs.filter((_, i) => mask[i] === 1);
        const bySource = selectedRefs[0] === undefined;
        if (clause.action === 'delete') {
          if (bySource) counts.bySourceDeleted += selected.numRows;
          else counts.matchedDeleted += selected.numRows;
          await writes.change(selected, 'delete');
          continue;
        }
        const updated = clause.assignments
          ? [applyAssignments(selected, clause.assignments, pairColumns(selected, selectedRefs, sourceColumns))]
          : gatherSourceRows(sources, selectedRefs as SourceEntry[], selected, rowIdColumn);
        if (!updated.every((rows) => checker.check(rows)) || checker.hasViolations) continue;
        if (bySource) counts.bySourceUpdated += selected.numRows;
        else counts.matchedUpdated += selected.numRows;
        await writes.change(selected, 'update_preimage');
        for (const rows of updated) {
          await writes.write(rows);
          await writes.change(rows, 'update_postimage');
        }
      }
    };
    return { match, onMatched };
  };

  // INSERT * with nothing to check or record: the writer encodes the chosen source rows straight
  // through a mask, without copying them (about all of a typical source). `plainInsert`: every
  // unmatched row is inserted so.
  const first = clauses.notMatched[0];
  const plainInsert = first !== undefined && !first.condition && !first.assignments && constraints.length === 0 && !writes.recordsChanges;
  // Those no target row can match are written while the first target file decodes, instead of
  // after the last one is rewritten, when nothing else would run beside them (MERGE of 1M rows
  // into 10M, 99% new keys: ~0.2 s of encoding moved off the end). Not with row tracking, where
  // the files new rows go to depend on whether copied rows follow (DmlWrites.insertBeforeRewrites).
  const early = plainInsert && !rowIdColumn ? unmatchableRows(sources.map((b) => b.rows), keyFields, candidates, snapshot, schema) : undefined;
  let rowsInserted = 0;
  const insertEarly = async (): Promise<void> => {
    for (const [b, batch] of sources.entries()) {
      const mask = early?.[b] as Uint8Array;
      const count = keptRows(mask);
      if (count === 0) continue;
      rowsInserted += count;
      await writes.insertBeforeRewrites(batch.rows, mask);
    }
  };
  try {
    await writes.rewrite(candidates, fileChange, matchColumns, early ? insertEarly : undefined);
    if (clauses.notMatched.length > 0) {
      for (const [b, batch] of sources.entries()) {
        const n = batch.rows.numRows;
        // INSERT * without a condition reads no source cells: no entry per source row then.
        const refs = insertsReadSource ? Array.from({ length: n }, (_, row): SourceEntry => ({ batch: b, row, duplicate: false })) : [];
        const decide = decider(clauses.notMatched, undefined, refs, sourceColumns);
        const done = early ? orMasks(batch.matched, early[b] as Uint8Array) : batch.matched;
        for (const [clause, mask] of clauseMasks(clauses.notMatched, done, decide)) {
          if (!clause.assignments && constraints.length === 0 && !writes.recordsChanges) {
            const count = keptRows(mask);
            rowsInserted += count;
            await writes.insert(batch.rows, mask);
            continue;
          }
          const rows = insertedRows(clause, filterBatch(batch.rows, mask), pairColumns(undefined, refs.filter((_, i) => mask[i] === 1), sourceColumns));
          if (!checker.check(rows) || checker.hasViolations) continue;
          rowsInserted += rows.numRows;
          await writes.insert(rows);
          await writes.change(rows, 'insert');
        }
      }
    }
    checker.throwIfViolated('The MERGE');
    const rowsUpdated = counts.matchedUpdated + counts.bySourceUpdated;
    const rowsDeleted = counts.matchedDeleted + counts.bySourceDeleted;
    const { filesAdded, bytesAdded, changeFilesAdded } = await writes.finish();
    const { filesRemoved, rowsCopied } = writes;
    if (filesAdded === 0 && filesRemoved === 0 && rowsDeleted === 0 && rowsUpdated === 0 && changeFilesAdded === 0) {
      return { version: tx.readVersion, rowsAdded: 0, rowsRemoved: 0, filesAdded: 0, filesRemoved: 0, bytesAdded: 0, rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0 };
    }
    const numSourceRows = sources.reduce((n, b) => n + b.rows.numRows, 0);
    const describe = (list: CompiledClause[]): Array<Record<string, string>> =>
      list.map((c) => ({ actionType: c.action, ...(c.conditionText !== undefined ? { predicate: c.conditionText } : {}) }));
    const version = await writes.commit({
      operation: 'MERGE',
      parameters: {
        predicate: keyFields.map((f) => `target.${f.name} = source.${f.name}`).join(' AND '),
        matchedPredicates: describe(clauses.matched),
        notMatchedPredicates: describe(clauses.notMatched),
        notMatchedBySourcePredicates: describe(clauses.notMatchedBySource),
      },
      metrics: {
        numSourceRows,
        numTargetRowsInserted: rowsInserted,
        numTargetRowsUpdated: rowsUpdated,
        numTargetRowsMatchedUpdated: counts.matchedUpdated,
        numTargetRowsNotMatchedBySourceUpdated: counts.bySourceUpdated,
        numTargetRowsDeleted: rowsDeleted,
        numTargetRowsMatchedDeleted: counts.matchedDeleted,
        numTargetRowsNotMatchedBySourceDeleted: counts.bySourceDeleted,
        numTargetRowsCopied: rowsCopied,
        numTargetFilesAdded: filesAdded,
        numTargetFilesRemoved: filesRemoved,
        numTargetChangeFilesAdded: changeFilesAdded,
        numOutputRows: rowsInserted + rowsUpdated + rowsCopied,
        numTargetBytesAdded: bytesAdded,
      },
    });
    return {
      version,
      rowsAdded: rowsInserted + rowsUpdated,
      rowsRemoved: rowsUpdated + rowsDeleted,
      filesAdded,
      filesRemoved,
      bytesAdded,
      rowsInserted,
      rowsUpdated,
      rowsDeleted,
    };
  } catch (error) {
    await writes.abort();
    throw error;
  }
}

function keyField(fields: readonly StructField[], name: string): StructField {
  const field = fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (!field) throw new DeltaError('DELTA_INVALID_ARGUMENT', `MERGE key column "${name}" is not a top-level column of the table.`);
  if (field.type.kind !== 'primitive' && field.type.kind !== 'decimal') {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `MERGE key column "${name}" must have a primitive type, not ${field.type.kind}.`);
  }
  return field;
}

async function deletedRowsOf(snapshot: Snapshot, file: AddFile): Promise<DeletedRows | undefined> {
  return file.deletionVector ? readDeletionVector(snapshot.store, file.deletionVector) : undefined;
}

/** Per source column expression, its cells in each source batch (built once per MERGE). */
type SourceColumns = (column: ColumnExpression) => RowValue[];

function sourceColumnCache(sources: readonly SourceBatch[]): SourceColumns {
  const cache = new Map<string, RowValue[]>();
  return (column) => {
    const key = JSON.stringify([column.path, column.type]);
    let readers = cache.get(key);
    if (!readers) {
      readers = sources.map((s) => columnCells(s.raw, column.path, column.type));
      cache.set(key, readers);
    }
    return readers;
  };
}

/** Columns of a MERGE expression for row i: the target row of `target` and the source row `refs[i]`. */
function pairColumns(target: RecordBatch | undefined, refs: ReadonlyArray<SourceEntry | undefined>, sourceColumns: SourceColumns): ColumnValues {
  return (column) => {
    if (column.side === 'target') {
      if (!target) throw new DeltaError('DELTA_INVALID_EXPRESSION', `${column.path.join('.')}: this clause has no target row.`);
      return columnCells(target, column.path, column.type);
    }
    const readers = sourceColumns(column);
    return (row) => {
      const ref = refs[row];
      return ref ? readers[ref.batch]!(ref.row) : null;
    };
  };
}

/** The first clause whose condition holds for row i, per row; conditions compiled once per batch. */
function decider(
  clauses: readonly CompiledClause[],
  target: RecordBatch | undefined,
  refs: ReadonlyArray<SourceEntry | undefined>,
  sourceColumns: SourceColumns,
): (row: number) => CompiledClause | undefined {
  const first = clauses[0];
  if (!first || !first.condition) return () => first;
  const columns = pairColumns(target, refs, sourceColumns);
  const conditions = clauses.map((c) => (c.condition ? compileExpression(c.condition, columns) : () => true));
  return (row) => {
    for (const [i, condition] of conditions.entries()) if (condition(row) === true) return clauses[i];
    return undefined;
  };
}

/** 1 where either mask holds 1 (masks of 0 or 1). */
function orMasks(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let row = 0; row < a.length; row++) out[row] = (a[row] as number) | (b[row] as number);
  return out;
}

/**
 * The rows of a target batch (its first row is the file's row `start`) that have a source row
 * (`hits`) and are not deleted: pushed to `hitRows` and their source rows to `hitRefs`. Returns the
 * first such source row whose key other source rows share, if any. The loop over every target row
 * lives in MergeKeyIndex.hits, a method, rather than in each file's match closure: a closure's
 * optimized code goes with it (V8 holds it weakly, a collection drops it), so files recompiled the
 * loop (--trace-opt: 13 TurboFan compiles of match, ~0.3 s of compile time per writer-bench MERGE).
 */
function gatherHits(
  hits: KeyHits, deleted: DeletedRows | undefined, start: number, hitRows: number[], hitRefs: SourceEntry[],
): SourceEntry | undefined {
  let duplicate: SourceEntry | undefined;
  hits.rows.forEach((row, i) => {
    const ref = hits.refs[i]!;
    if (deleted !== undefined && deleted.has(start + row)) return;
    if (ref.duplicate && duplicate === undefined) duplicate = ref;
    hitRows.push(row);
    hitRefs.push(ref);
  });
  return duplicate;
}

/**
 * The rows each NOT MATCHED clause takes (1 in its mask), for the clauses that take any, in the
 * order their first row comes: a row is unmatched (0 in `matched`) and `decide` gives the clause.
 * An unconditional first clause takes every unmatched row, decided without a call per row.
 */
function clauseMasks(
  clauses: readonly CompiledClause[], matched: Uint8Array, decide: (row: number) => CompiledClause | undefined,
): Array<[CompiledClause, Uint8Array]> {
  const n = matched.length;
  const first = clauses[0];
  if (first && !first.condition) {
    const mask = new Uint8Array(n);
    let taken = 0;
    for (let row = 0; row < n; row++) {
      const take = matched[row] === 0 ? 1 : 0;
      mask[row] = take;
      taken += take;
    }
    return taken > 0 ? [[first, mask]] : [];
  }
  const masks = new Map<CompiledClause, Uint8Array>();
  for (let row = 0; row < n; row++) {
    if (matched[row] !== 0) continue;
    const clause = decide(row);
    if (!clause) continue;
    let mask = masks.get(clause);
    if (!mask) {
      mask = new Uint8Array(n);
      masks.set(clause, mask);
    }
    mask[row] = 1;
  }
  return [...masks];
}

/** UPDATE SET *: the source row of each matched target row, one batch per source batch involved. */
function gatherSourceRows(sources: readonly SourceBatch[], refs: readonly SourceEntry[], replaced: RecordBatch, rowIdColumn: string | undefined): RecordBatch[] {
  const parts: RecordBatch[] = [];
  for (const [b, source] of sources.entries()) {
    const positions = refs.flatMap((r, i) => (r.batch === b ? [i] : []));
    if (positions.length === 0) continue;
    const indices = Int32Array.from(positions, (i) => (refs[i] as SourceEntry).row);
    const children = source.rows.data.children.map((child) => takeData(child, indices));
    const rows = new RecordBatch(source.rows.schema, new Data(new Struct(source.rows.schema.fields), 0, indices.length, 0, undefined, children));
    // An updated row keeps its stable row id on a row-tracking table.
    parts.push(rowIdColumn === undefined ? rows : carryRowIds(replaced, positions, rows, rowIdColumn));
  }
  return parts;
}

function duplicateError(sources: readonly SourceBatch[], keyFields: readonly StructField[], ref: SourceEntry): DeltaError {
  const names = keyFields.map((f) => f.name);
  const row = sources[ref.batch]!.rows;
  const values = names.map((name) => {
    const cells = columnCells(row, [name], keyFields.find((f) => f.name === name)!.type);
    return `${name} = ${String(cells(ref.row))}`;
  });
  return new DeltaError('DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE',
    `MERGE failed: several source rows have the key ${values.join(', ')} and match the same target row; make the source keys unique (e.g. keep the latest change per key).`);
}

/** `k >= min AND k <= max` for the key columns with a range: the target files that may hold a match. */
function keyRangePredicate(ranges: readonly NonNullValue[][], keyFields: readonly StructField[]): Predicate | undefined {
  let predicate: Predicate | undefined;
  for (const [i, field] of keyFields.entries()) {
    const [min, max] = ranges[i] ?? [];
    if (min === undefined || max === undefined) continue;
    const column = { path: [field.name], type: field.type };
    const range: Predicate = {
      kind: 'and',
      left: { kind: 'comparison', op: '>=', column, value: min },
      right: { kind: 'comparison', op: '<=', column, value: max },
    };
    predicate = predicate ? { kind: 'and', left: predicate, right: range } : range;
  }
  return predicate;
}
