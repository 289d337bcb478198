/**
 * Every error the engine raises on purpose. `code` is stable (scripts and the CLI key on it);
 * the message says what is wrong and what the user can do.
 */
export type DeltaErrorCode =
  | 'DELTA_TABLE_NOT_FOUND'
  | 'DELTA_MISSING_PROTOCOL'
  | 'DELTA_MISSING_METADATA'
  | 'DELTA_INVALID_PROTOCOL_VERSION'
  | 'DELTA_UNSUPPORTED_READER_FEATURE'
  | 'DELTA_UNSUPPORTED_WRITER_FEATURE'
  | 'DELTA_VERSIONS_NOT_CONTIGUOUS'
  | 'DELTA_VERSION_NOT_FOUND'
  | 'DELTA_TIMESTAMP_OUT_OF_RANGE'
  | 'DELTA_CORRUPT_COMMIT'
  | 'DELTA_CORRUPT_CHECKPOINT'
  | 'DELTA_CHECKPOINT_PART_MISSING'
  | 'DELTA_CORRUPT_PARQUET'
  | 'DELTA_PATH_OUTSIDE_TABLE'
  | 'DELTA_FILE_NOT_FOUND'
  | 'DELTA_INVALID_SCHEMA'
  | 'DELTA_INVALID_PREDICATE'
  | 'DELTA_INVALID_EXPRESSION'
  | 'DELTA_ARITHMETIC_OVERFLOW'
  | 'DELTA_DIVIDE_BY_ZERO'
  | 'DELTA_CAST_INVALID_INPUT'
  | 'DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE'
  | 'DELTA_INVALID_DELETION_VECTOR'
  | 'DELTA_SCHEMA_MISMATCH'
  | 'DELTA_CONSTRAINT_VIOLATION'
  | 'DELTA_CONCURRENT_MODIFICATION'
  | 'DELTA_TABLE_EXISTS'
  | 'DELTA_TABLE_APPEND_ONLY'
  | 'DELTA_FEATURE_NOT_ENABLED'
  | 'DELTA_CHANGE_DATA_NOT_RECORDED'
  | 'DELTA_RETENTION_TOO_SHORT'
  | 'DELTA_INVALID_ARGUMENT'
  | 'DELTA_IO_ERROR'
  | 'DELTA_STORAGE_READ_ONLY'
  | 'DELTA_STORAGE_FULL'
  | 'DELTA_DIFF_TOO_LARGE'
  | 'SOURCE_CONNECTION_FAILED'
  | 'SOURCE_NOT_FOUND'
  | 'SOURCE_SCHEMA_INCOMPATIBLE'
  | 'SOURCE_QUERY_FAILED'
  | 'SOURCE_TYPE_UNSUPPORTED'
  | 'SOURCE_VALUE_OUT_OF_RANGE'
  | 'SOURCE_BAD_ROW';

export class DeltaError extends Error {
  override readonly name = 'DeltaError';
  constructor(
    readonly code: DeltaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isDeltaError(error: unknown, code?: DeltaErrorCode): error is DeltaError {
  return error instanceof DeltaError && (code === undefined || error.code === code);
}
