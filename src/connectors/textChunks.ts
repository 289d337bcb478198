import { createReadStream } from 'node:fs';
import { DeltaError } from '../delta/errors';

const CHUNK_BYTES = 1 << 20;

/**
 * The UTF-8 text of a file in chunks of about 1 MiB (a character split between two reads is
 * decoded whole). Invalid UTF-8 fails with the byte offset instead of turning into U+FFFD: a
 * replaced character would be a silent change of the data.
 */
export async function* readTextChunks(path: string, signal?: AbortSignal): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES, ...(signal ? { signal } : {}) });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      yield decode(decoder, chunk, true, path, offset);
      offset += chunk.length;
    }
  } catch (error) {
    if (isNotFound(error)) throw new DeltaError('DELTA_FILE_NOT_FOUND', `${path} does not exist.`);
    throw error;
  }
  yield decode(decoder, undefined, false, path, offset);
}

function decode(decoder: TextDecoder, bytes: Uint8Array | undefined, stream: boolean, path: string, offset: number): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch {
    throw new DeltaError('SOURCE_BAD_ROW', `${path} is not valid UTF-8 text (near byte ${offset}); convert it to UTF-8 first.`);
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
