/**
 * Names of the files in `_delta_log` ("Delta Log Entries", "Checkpoints" and "Log Compaction Files"
 * in PROTOCOL.md). Versions are zero-padded to 20 digits, multi-part checkpoint numbers to 10.
 */
export const LOG_DIR = '_delta_log/';
export const LAST_CHECKPOINT = `${LOG_DIR}_last_checkpoint`;
export const SIDECAR_DIR = `${LOG_DIR}_sidecars/`;

export type LogFile =
  | { kind: 'commit'; version: number; path: string }
  | { kind: 'checkpoint'; version: number; path: string; part: number; parts: number }
  | { kind: 'v2Checkpoint'; version: number; path: string; format: 'json' | 'parquet' }
  | { kind: 'compaction'; version: number; endVersion: number; path: string };

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC_CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART_CHECKPOINT = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2_CHECKPOINT = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$/;
const COMPACTION = /^(\d{20})\.(\d{20})\.compacted\.json$/;

export function padVersion(version: number): string {
  return String(version).padStart(20, '0');
}

export function commitPath(version: number): string {
  return `${LOG_DIR}${padVersion(version)}.json`;
}

export function classicCheckpointPath(version: number): string {
  return `${LOG_DIR}${padVersion(version)}.checkpoint.parquet`;
}

/** Recognises a `_delta_log` entry from its path; undefined for anything else (.crc, temp files). */
export function parseLogFile(path: string): LogFile | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  let m = COMMIT.exec(name);
  if (m) return { kind: 'commit', version: Number(m[1]), path };
  m = CLASSIC_CHECKPOINT.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), path, part: 1, parts: 1 };
  m = MULTIPART_CHECKPOINT.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), path, part: Number(m[2]), parts: Number(m[3]) };
  m = V2_CHECKPOINT.exec(name);
  if (m) return { kind: 'v2Checkpoint', version: Number(m[1]), path, format: m[2] as 'json' | 'parquet' };
  m = COMPACTION.exec(name);
  if (m) return { kind: 'compaction', version: Number(m[1]), endVersion: Number(m[2]), path };
  return undefined;
}
