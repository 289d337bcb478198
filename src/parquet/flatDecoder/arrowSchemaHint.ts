import { tableFromIPC, type Schema } from 'apache-arrow';

/** The key under which Arrow writers (arrow-rs, pyarrow, parquet-wasm) embed their Arrow schema. */
export const ARROW_SCHEMA_KEY = 'ARROW:schema';

const cache = new Map<string, Schema | null>();
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * The Arrow schema embedded in a footer's `ARROW:schema` (a base64 IPC schema message), or null when
 * it does not parse. Parsed once per distinct value: the files of one table share it.
 */
export function arrowSchemaHint(encoded: string): Schema | null {
  const known = cache.get(encoded);
  if (known !== undefined) return known;
  let schema: Schema | null;
  try {
    const message = Buffer.from(encoded, 'base64');
    const stream = new Uint8Array(message.byteLength + END_OF_STREAM.byteLength);
    stream.set(message);
    stream.set(END_OF_STREAM, message.byteLength);
    schema = tableFromIPC(stream).schema;
  } catch {
    schema = null;
  }
  if (cache.size > 256) cache.clear();
  cache.set(encoded, schema);
  return schema;
}
