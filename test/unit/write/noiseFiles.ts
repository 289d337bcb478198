import { writeTable } from '../../../src/delta/write/writeTable';
import { batchesOf } from './helpers';

/** Doubles from a 32-bit LCG: ZSTD cannot shrink them, so two such columns of 100,000 rows pass 1 MiB. */
export function noise(count: number, seed: number): Float64Array {
  const out = new Float64Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    out[i] = state / 4_294_967_296;
  }
  return out;
}

/**
 * A table of `files` appends of `perFile` rows (a file each, one row group each): id, x and y
 * (noise from `seeds`: each group passes the 1 MiB that sends its decode to the worker pool) and
 * `label(id)`. Returns x.
 */
export async function writeNoiseFiles(
  dir: string, files: number, perFile: number, seeds: readonly [number, number], label: (id: number) => string | null,
): Promise<Float64Array> {
  const x = noise(files * perFile, seeds[0]);
  const y = noise(files * perFile, seeds[1]);
  for (let f = 0; f < files; f++) {
    const from = f * perFile;
    await writeTable(dir, batchesOf({
      id: BigInt64Array.from({ length: perFile }, (_, i) => BigInt(from + i)),
      x: x.slice(from, from + perFile),
      y: y.slice(from, from + perFile),
      label: Array.from({ length: perFile }, (_, i) => label(from + i)),
    }), { mode: f === 0 ? 'error' : 'append' });
  }
  return x;
}
