import { DataType as ArrowType, type Data, type RecordBatch } from 'apache-arrow';
import { DeltaError } from '../errors';
import { findField, formatDataType, type StructType } from '../schema';
import type { ColumnRef, ComparisonOp, Predicate } from './ast';
import { arrowValueOrders } from './arrowValueOrder';
import { evaluateAtom, type Atom } from './evaluateScalar';
import type { NonNullValue } from './typedValue';
import { concatBytes } from '../../util/concatBytes';

// Three-valued results, one byte per row.
const FALSE = 0;
const TRUE = 1;
const UNKNOWN = 2;

/**
 * Which rows of a batch satisfy the predicate: 1 where it is TRUE, 0 where it is FALSE or
 * unknown (SQL: a NULL comparison filters the row out). Columns are found by logical name in the
 * batch, nested struct fields through their parents (a NULL parent makes the field NULL).
 */
export function evaluatePredicate(predicate: Predicate, batch: RecordBatch, schema: StructType): Uint8Array {
  const truth = evaluate(predicate, batch, schema);
  for (let i = 0; i < truth.length; i++) truth[i] = truth[i] === TRUE ? 1 : 0;
  return truth;
}

function evaluate(predicate: Predicate, batch: RecordBatch, schema: StructType): Uint8Array {
  switch (predicate.kind) {
    case 'and':
    case 'or': {
      const left = evaluate(predicate.left, batch, schema);
      const right = evaluate(predicate.right, batch, schema);
      const decisive = predicate.kind === 'and' ? FALSE : TRUE;
      for (let i = 0; i < left.length; i++) {
        const a = left[i]!;
        const b = right[i]!;
        left[i] = a === decisive || b === decisive ? decisive : a === UNKNOWN || b === UNKNOWN ? UNKNOWN : a;
      }
      return left;
    }
    case 'not': {
      const operand = evaluate(predicate.operand, batch, schema);
      for (let i = 0; i < operand.length; i++) if (operand[i] !== UNKNOWN) operand[i] = 1 - operand[i]!;
      return operand;
    }
    default:
      return evaluateAtomOnBatch(predicate, batch, schema);
  }
}

function evaluateAtomOnBatch(atom: Atom, batch: RecordBatch, schema: StructType): Uint8Array {
  const field = findField(schema, atom.column.path);
  if (!field || JSON.stringify(field.type) !== JSON.stringify(atom.column.type)) {
    throw new DeltaError('DELTA_INVALID_PREDICATE',
      `The predicate was built for column ${atom.column.path.join('.')} of type ${formatDataType(atom.column.type)}, which this table schema does not have.`);
  }
  const chain = columnChain(batch, atom.column);
  const leaf = chain.at(-1)!;
  const out = leafTruth(atom, leaf);
  const whenParentNull = encode(evaluateAtom(atom, null));
  for (const parent of chain.slice(0, -1)) markNullRows(out, parent, whenParentNull);
  return out;
}

/** The Data of each struct level down to the column, all aligned to the batch's rows. */
function columnChain(batch: RecordBatch, column: ColumnRef): Data[] {
  const chain: Data[] = [];
  let fields = batch.schema.fields;
  let children = batch.data.children;
  for (const name of column.path) {
    const index = indexOfName(fields.map((f) => f.name), name);
    const data = children[index];
    if (index < 0 || !data) {
      throw new DeltaError('DELTA_INVALID_PREDICATE',
        `The predicate reads column ${column.path.join('.')}, which the scanned data does not contain: add it to the projection.`);
    }
    chain.push(data);
    fields = ArrowType.isStruct(data.type) ? data.type.children : [];
    children = data.children;
  }
  return chain;
}

function indexOfName(names: string[], name: string): number {
  const exact = names.indexOf(name);
  return exact >= 0 ? exact : names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
}

function leafTruth(atom: Atom, data: Data): Uint8Array {
  const out = new Uint8Array(data.length);
  if (atom.kind === 'isNull') {
    out.fill(atom.negated ? TRUE : FALSE);
    return markNullRows(out, data, atom.negated ? FALSE : TRUE);
  }
  if (ArrowType.isDictionary(data.type) && data.dictionary) {
    // Decide each distinct value once, then look the answers up by key.
    const perEntry = concatBytes(data.dictionary.data.map((chunk) => leafTruth(atom, chunk)));
    const keys: unknown = data.values;
    if (!isIndexArray(keys)) throw new DeltaError('DELTA_SCHEMA_MISMATCH', `Unsupported dictionary index type ${String(data.type)}.`);
    for (let i = 0; i < out.length; i++) out[i] = perEntry[Number(keys[i])]!;
    return markNullRows(out, data, UNKNOWN);
  }
  if (atom.kind === 'comparison') {
    if (atom.value === null) return out.fill(UNKNOWN);
    const values: unknown = data.values;
    // 32-bit integers and dates (a DELETE's usual predicate): one loop, no signs array between.
    if (values instanceof Int32Array && typeof atom.value === 'number' && !Number.isNaN(atom.value)) int32Truth(atom.op, values, atom.value, out);
    else truthOfOrders(atom.op, arrowValueOrders(data, atom.value, atom.column.type), out);
    return markNullRows(out, data, UNKNOWN);
  }
  const literals = atom.values.filter((v): v is NonNullValue => v !== null);
  const notFound = literals.length < atom.values.length ? UNKNOWN : FALSE;
  const [found, missing] = atom.negated ? [FALSE, notFound === FALSE ? TRUE : UNKNOWN] : [TRUE, notFound];
  out.fill(missing);
  for (const literal of literals) {
    const orders = arrowValueOrders(data, literal, atom.column.type);
    for (let i = 0; i < out.length; i++) if (orders[i] === 0) out[i] = found;
  }
  return markNullRows(out, data, UNKNOWN);
}

/** TRUE or FALSE per row from the signs of compare(value, literal): one loop per operator. */
function truthOfOrders(op: ComparisonOp, orders: Int8Array, out: Uint8Array): void {
  const n = orders.length;
  switch (op) {
    case '=': for (let i = 0; i < n; i++) out[i] = orders[i] === 0 ? TRUE : FALSE; return;
    case '!=': for (let i = 0; i < n; i++) out[i] = orders[i] !== 0 ? TRUE : FALSE; return;
    case '<': for (let i = 0; i < n; i++) out[i] = orders[i]! < 0 ? TRUE : FALSE; return;
    case '<=': for (let i = 0; i < n; i++) out[i] = orders[i]! <= 0 ? TRUE : FALSE; return;
    case '>': for (let i = 0; i < n; i++) out[i] = orders[i]! > 0 ? TRUE : FALSE; return;
    case '>=': for (let i = 0; i < n; i++) out[i] = orders[i]! >= 0 ? TRUE : FALSE; return;
  }
}

/**
 * TRUE or FALSE per row of an Int32Array column (Arrow Int32, Date32) against a number literal:
 * what truthOfOrders gives from arrowValueOrders' signs, in one pass over the values (a tenth of
 * the time on 10M rows, where the two passes and the signs array cost ~30 ms per 1M rows).
 */
function int32Truth(op: ComparisonOp, values: Int32Array, literal: number, out: Uint8Array): void {
  const n = out.length;
  switch (op) {
    case '=': for (let i = 0; i < n; i++) out[i] = values[i] === literal ? TRUE : FALSE; return;
    case '!=': for (let i = 0; i < n; i++) out[i] = values[i] !== literal ? TRUE : FALSE; return;
    case '<': for (let i = 0; i < n; i++) out[i] = values[i]! < literal ? TRUE : FALSE; return;
    case '<=': for (let i = 0; i < n; i++) out[i] = values[i]! <= literal ? TRUE : FALSE; return;
    case '>': for (let i = 0; i < n; i++) out[i] = values[i]! > literal ? TRUE : FALSE; return;
    case '>=': for (let i = 0; i < n; i++) out[i] = values[i]! >= literal ? TRUE : FALSE; return;
  }
}

/**
 * Sets `truth` on the rows the column's validity bitmap marks null. The bitmap is read directly:
 * Arrow JS's `getValid` checks for unions on every call, which dominated a filter's time.
 */
function markNullRows(out: Uint8Array, data: Data, truth: number): Uint8Array {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return out;
  const offset = data.offset;
  for (let i = 0; i < out.length; i++) {
    const bit = offset + i;
    if (((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 0) out[i] = truth;
  }
  return out;
}

function encode(truth: boolean | null): number {
  return truth === null ? UNKNOWN : truth ? TRUE : FALSE;
}

type IndexArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

function isIndexArray(values: unknown): values is IndexArray {
  return values instanceof Int8Array || values instanceof Int16Array || values instanceof Int32Array
    || values instanceof Uint8Array || values instanceof Uint16Array || values instanceof Uint32Array
    || values instanceof BigInt64Array || values instanceof BigUint64Array;
}
