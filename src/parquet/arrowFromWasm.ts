import { tableFromIPC, type Table } from 'apache-arrow';
import { parseTable } from 'arrow-js-ffi';
import { wasmMemory, type Table as WasmTable } from 'parquet-wasm/node';

/*
 * Arrow data decoded by parquet-wasm is moved into Arrow JS through the Arrow C Data Interface: the
 * buffers are copied straight out of wasm memory. The IPC round trip this replaces serialised every
 * buffer inside wasm and parsed the stream again in JS, about a third of a scan's CPU. Copies, not
 * views, because wasm memory moves when it grows.
 */

/** Converts and frees a parquet-wasm table. */
export function tableFromWasm(table: WasmTable): Table {
  const ffi = table.toFFI();
  try {
    const memory = wasmMemory().buffer;
    const arrays = Array.from(ffi.arrayAddrs());
    const view = new DataView(memory);
    if (arrays.every((ptr) => hasZeroOffsets(view, ptr))) {
      const out = parseTable(memory, arrays, ffi.schemaAddr(), true);
      table.free();
      return out;
    }
  } finally {
    ffi.free();
  }
  return tableFromIPC(table.intoIPCStream());
}

/**
 * arrow-js-ffi copies `length` values from the start of each buffer, which is right only when no
 * array in the tree is a slice (offset 0, as the Parquet decoder produces them). A sliced array
 * takes the IPC path instead, which honours offsets.
 * ArrowArray on wasm32 (C Data Interface): int64 length, null_count, offset, n_buffers,
 * n_children, then 32-bit pointers buffers, children, dictionary.
 */
function hasZeroOffsets(view: DataView, ptr: number): boolean {
  if (view.getBigInt64(ptr + 16, true) !== 0n) return false;
  const children = Number(view.getBigInt64(ptr + 32, true));
  const childPointers = view.getUint32(ptr + 44, true);
  for (let i = 0; i < children; i++) {
    if (!hasZeroOffsets(view, view.getUint32(childPointers + i * 4, true))) return false;
  }
  const dictionary = view.getUint32(ptr + 48, true);
  return dictionary === 0 || hasZeroOffsets(view, dictionary);
}
