import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action, AddFile } from '../../../src/delta/actions';
import type { Predicate } from '../../../src/delta/predicate/ast';
import { parsePredicate } from '../../../src/delta/predicate/parsePredicate';
import { ConcurrentModificationError, type ConflictKind } from '../../../src/delta/transaction/concurrentModificationError';
import { checkConflicts, type TransactionFootprint } from '../../../src/delta/transaction/conflictChecker';
import { fakeAdd, SCHEMA } from './fixtures';

const ROOT = '/tables/t';
/** Partition-value matching is enough to exercise the rules; the transaction uses stats too. */
const context = {
  tableRoot: ROOT,
  mayMatch: (predicate: Predicate, file: AddFile): boolean =>
    predicate.kind === 'comparison' && predicate.column.path[0] === 'part' ? file.partitionValues.part === predicate.value : true,
};

function footprint(overrides: Partial<TransactionFootprint> = {}): TransactionFootprint {
  return {
    readWholeTable: false, readPredicates: [], readFileKeys: new Set(), appIds: new Set(), removedFileKeys: new Set(),
    domains: new Set(), changesMetadata: false, changesData: true, ...overrides,
  };
}

function winner(actions: Action[], operation = 'WRITE', isBlindAppend = false): { version: number; actions: Action[] } {
  return { version: 5, actions: [{ commitInfo: { operation, isBlindAppend } }, ...actions] };
}

function conflictOf(ours: TransactionFootprint, won: { version: number; actions: Action[] }): ConflictKind | undefined {
  try {
    checkConflicts(ours, won, context);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof ConcurrentModificationError);
    assert.equal(error.winningVersion, 5);
    return error.kind;
  }
}

const key = (path: string): string => `file://${ROOT}/${path}`;
const partA = parsePredicate("part = 'a'", SCHEMA);

test('protocol and metadata changes always conflict', () => {
  assert.equal(conflictOf(footprint(), winner([{ protocol: { minReaderVersion: 1, minWriterVersion: 3 } }])), 'protocolChanged');
  const metaData = { id: 'x', format: { provider: 'parquet' }, schemaString: '{"type":"struct","fields":[]}', partitionColumns: [], configuration: {} };
  assert.equal(conflictOf(footprint({ changesData: false }), winner([{ metaData }])), 'metadataChanged');
});

test('a concurrent append conflicts only when it matches what we read', () => {
  const added = winner([{ add: fakeAdd('new', 'a') }]);
  assert.equal(conflictOf(footprint({ readPredicates: [partA] }), added), 'concurrentAppend');
  assert.equal(conflictOf(footprint({ readPredicates: [partA] }), winner([{ add: fakeAdd('new', 'b') }])), undefined);
  assert.equal(conflictOf(footprint({ readWholeTable: true }), winner([{ add: fakeAdd('new', 'b') }])), 'concurrentAppend');
  // We read nothing (a blind append ourselves): nothing the winner added could change our result.
  assert.equal(conflictOf(footprint(), added), undefined);
});

test('blind appends by the winner conflict only when we change the metadata; compaction adds never do', () => {
  const blind = winner([{ add: fakeAdd('new', 'a') }], 'WRITE', true);
  assert.equal(conflictOf(footprint({ readWholeTable: true }), blind), undefined);
  assert.equal(conflictOf(footprint({ readWholeTable: true, changesMetadata: true }), blind), 'concurrentAppend');
  const rearranged = winner([{ add: { ...fakeAdd('compacted', 'a'), dataChange: false } }], 'OPTIMIZE');
  assert.equal(conflictOf(footprint({ readWholeTable: true }), rearranged), undefined);
  // Our own pure rearrangement (OPTIMIZE) is not invalidated by new data.
  assert.equal(conflictOf(footprint({ readWholeTable: true, changesData: false }), winner([{ add: fakeAdd('new', 'a') }])), undefined);
});

test('a concurrent remove conflicts with files we read or remove, and with a whole-table read', () => {
  const removed = winner([{ remove: { path: 'part=a/f1.parquet', dataChange: true } }], 'DELETE');
  assert.equal(conflictOf(footprint({ readFileKeys: new Set([key('part=a/f1.parquet')]) }), removed), 'concurrentDeleteRead');
  assert.equal(conflictOf(footprint({ removedFileKeys: new Set([key('part=a/f1.parquet')]) }), removed), 'concurrentDeleteDelete');
  assert.equal(conflictOf(footprint({ readWholeTable: true }), removed), 'concurrentDeleteRead');
  assert.equal(conflictOf(footprint({ readFileKeys: new Set([key('part=a/f2.parquet')]) }), removed), undefined);
  // The same file spelled as an absolute URI is the same file.
  const absolute = winner([{ remove: { path: `file://${ROOT}/part%3Da/f1.parquet`, dataChange: true } }]);
  assert.equal(conflictOf(footprint({ readFileKeys: new Set([key('part=a/f1.parquet')]) }), absolute), 'concurrentDeleteRead');
});

test('a file whose deletion vector changed is a different file version: reading the old one conflicts', () => {
  const dv = { storageType: 'u' as const, pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 1, sizeInBytes: 36, cardinality: 2 };
  const rewritten = winner([{ remove: { path: 'f1.parquet', dataChange: true } }, { add: { ...fakeAdd('x'), path: 'f1.parquet', deletionVector: dv } }], 'DELETE');
  assert.equal(conflictOf(footprint({ readFileKeys: new Set([key('f1.parquet')]) }), rewritten), 'concurrentDeleteRead');
});

test('the same txn appId or metadata domain conflicts', () => {
  const txn = winner([{ txn: { appId: 'stream-1', version: 3 } }]);
  assert.equal(conflictOf(footprint({ appIds: new Set(['stream-1']) }), txn), 'concurrentTransaction');
  assert.equal(conflictOf(footprint({ appIds: new Set(['stream-2']) }), txn), undefined);
  const domain = winner([{ domainMetadata: { domain: 'd', configuration: '{}', removed: false } }]);
  assert.equal(conflictOf(footprint({ domains: new Set(['d']) }), domain), 'concurrentDomainMetadata');
  assert.equal(conflictOf(footprint({ domains: new Set(['e']) }), domain), undefined);
});

test('the error names the winning version and operation', () => {
  assert.throws(() => checkConflicts(footprint({ readWholeTable: true }), winner([{ remove: { path: 'f.parquet', dataChange: true } }], 'MERGE'), context),
    (e: unknown) => e instanceof ConcurrentModificationError && e.code === 'DELTA_CONCURRENT_MODIFICATION' && /Version 5 \(MERGE\)/.test(e.message));
});
