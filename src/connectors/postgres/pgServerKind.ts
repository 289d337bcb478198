import { sqlState } from './pgConnect';

/**
 * Whether a failed query means the server is not PostgreSQL proper but speaks its wire protocol
 * without some of its functions or catalog: QuestDB answers "unknown function name" with SQLSTATE
 * 00000 (not an error code at all); PostgreSQL and CockroachDB say 42883 (undefined function).
 * Any other error (permissions, a lost connection) is a real failure, not a missing feature.
 */
export function isMissingPostgresFeature(error: unknown): boolean {
  const state = sqlState(error);
  return state === '00000' || state === '42883';
}

/** PGlite's version() reads "PostgreSQL 18.6 (PGlite 0.5.14) on wasm32-unknown-emscripten, …". */
export function isPgliteVersion(version: string): boolean {
  return /\(PGlite /.test(version);
}
