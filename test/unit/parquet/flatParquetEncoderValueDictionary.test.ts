import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueDictionary, type DictionaryKey, type DictionarySource } from '../../../src/parquet/flatEncoder/valueDictionary';

/** Deterministic pseudo-random 32-bit words (xorshift32). */
function words(count: number, seed: number): Int32Array {
  const out = new Int32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state;
  }
  return out;
}

/** What the dictionary must give: each value's first-seen index, and the entries' PLAIN bytes in that order. */
function expected(keys: string[], plainOf: (k: number) => number[]): { indices: number[]; plain: number[] } {
  const seen = new Map<string, number>();
  const plain: number[] = [];
  const indices = keys.map((key, row) => {
    let index = seen.get(key);
    if (index === undefined) {
      index = seen.size;
      seen.set(key, index);
      plain.push(...plainOf(row));
    }
    return index;
  });
  return { indices, plain };
}

const le = (word: number): number[] => [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, (word >>> 24) & 0xff];

describe('ValueDictionary', () => {
  // 300,000 values drawn from 70,000 distinct ones: the table doubles several times on the way.
  const rows = 300_000;
  const pool = words(70_000 * 2, 0x1234567);
  const pick = words(rows, 0x7654321).map((w) => (w >>> 0) % 70_000);

  const cases: Array<{ key: DictionaryKey; source: DictionarySource; keyOf: (row: number) => string; plainOf: (row: number) => number[] }> = [];
  {
    const values = Int32Array.from(pick, (p) => pool[p] as number);
    cases.push({ key: 'word', source: { words: values, stride: 1 }, keyOf: (r) => String(values[r]), plainOf: (r) => le(values[r] as number) });
  }
  {
    // Two words a value, every other pair of a stride-4 source (as INT64 decimals are read); equal low words, other high words.
    const values = new Int32Array(rows * 4);
    pick.forEach((p, r) => { values[r * 4] = pool[p % 1000] as number; values[r * 4 + 1] = pool[p + 70_000] as number; });
    cases.push({ key: 'doubleWord', source: { words: values, stride: 4 }, keyOf: (r) => `${values[r * 4]}:${values[r * 4 + 1]}`, plainOf: (r) => [...le(values[r * 4] as number), ...le(values[r * 4 + 1] as number)] });
  }
  {
    // Strings of 0 to 12 bytes: tails of 0-3 bytes after whole words, an empty one too.
    const texts = Array.from(pick, (p) => `v${p.toString(36)}`.slice(0, p % 13));
    const encoded = texts.map((t) => Buffer.from(t));
    const offsets = new Int32Array(rows + 1);
    encoded.forEach((b, r) => { offsets[r + 1] = (offsets[r] as number) + b.length; });
    const bytes = new Uint8Array(Buffer.concat(encoded));
    cases.push({ key: 'bytes', source: { offsets, bytes }, keyOf: (r) => texts[r] as string, plainOf: (r) => [...le((encoded[r] as Buffer).length), ...(encoded[r] as Buffer)] });
  }

  for (const { key, source, keyOf, plainOf } of cases) {
    test(`${key}: indices in first-seen order over pages, and the PLAIN dictionary page`, () => {
      const want = expected(Array.from({ length: rows }, (_, r) => keyOf(r)), plainOf);
      const dictionary = new ValueDictionary(key);
      const got: number[] = [];
      // A page's indices are a view the next page overwrites: copied at once.
      const take = (indices: Int32Array | undefined): void => { for (const index of indices ?? []) got.push(index); };
      // Three pages, the middle one through a row selection.
      take(dictionary.indicesOf(source, { length: 100_000, validity: undefined, bitOffset: 0 }, Infinity));
      const selected = Int32Array.from({ length: 100_000 }, (_, k) => 100_000 + k);
      take(dictionary.indicesOf(source, { length: rows, validity: undefined, bitOffset: 0, rows: selected }, Infinity));
      const tail = Int32Array.from({ length: 100_000 }, (_, k) => 200_000 + k);
      take(dictionary.indicesOf(source, { length: rows, validity: undefined, bitOffset: 0, rows: tail }, Infinity));
      assert.equal(got.length, rows);
      assert.deepEqual(got, want.indices);
      assert.equal(dictionary.size, want.indices.reduce((a, b) => Math.max(a, b), 0) + 1);
      assert.deepEqual([...dictionary.page()], want.plain);
    });
  }

  test('a page that would pass the limit leaves the dictionary as it was', () => {
    const dictionary = new ValueDictionary('word');
    const few = Int32Array.from({ length: 1000 }, (_, i) => i % 10);
    assert.equal(dictionary.indicesOf({ words: few, stride: 1 }, { length: 1000, validity: undefined, bitOffset: 0 }, 400)?.length, 1000);
    const many = Int32Array.from({ length: 1000 }, (_, i) => i);
    assert.equal(dictionary.indicesOf({ words: many, stride: 1 }, { length: 1000, validity: undefined, bitOffset: 0 }, 400), undefined);
    assert.equal(dictionary.size, 10);
    assert.deepEqual([...dictionary.page()], Array.from({ length: 10 }, (_, i) => le(i)).flat());
  });

  test('null rows take no index', () => {
    const dictionary = new ValueDictionary('word');
    const values = Int32Array.of(5, 6, 5, 7);
    // Rows 1 and 3 null (validity bits 0b0101).
    const indices = dictionary.indicesOf({ words: values, stride: 1 }, { length: 4, validity: Uint8Array.of(0b0101), bitOffset: 0 }, Infinity);
    assert.deepEqual([...(indices ?? [])], [0, 0]);
  });
  test('small integers by their offset in a table, then hashed once their range grows past 65,536 values', () => {
    // Pages of values within a few thousand of each other (negative too, the range widening down and
    // up), then a page 70,000 away: the dictionary hashes from there on, finding the earlier entries.
    const pages = [
      Int32Array.from({ length: 5000 }, (_, i) => 100 + ((i * 7919) % 101)),
      Int32Array.from({ length: 5000 }, (_, i) => -500 + ((i * 31) % 801)),
      Int32Array.from({ length: 5000 }, (_, i) => 2000 + ((i * 13) % 3000)),
      Int32Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? 70_000 + (i % 50) : -500 + ((i * 17) % 5000))),
      Int32Array.from({ length: 5000 }, (_, i) => -500 + ((i * 29) % 6000)),
    ];
    const all = pages.flatMap((page) => [...page]);
    const want = expected(all.map(String), (row) => le(all[row] as number));
    const dictionary = new ValueDictionary('word');
    const got = pages.flatMap((page) => [...(dictionary.indicesOf({ words: page, stride: 1 }, { length: page.length, validity: undefined, bitOffset: 0 }, Infinity) ?? [])]);
    assert.deepEqual(got, want.indices);
    assert.deepEqual([...dictionary.page()], want.plain);
  });

  test('small integers: null and unselected rows take no index and do not widen the range', () => {
    const dictionary = new ValueDictionary('word');
    // Stride 4 (decimal words); row 1 is null and holds a value far away, row 3 is not selected.
    const words = Int32Array.of(7, 0, 0, 0, 1 << 30, 0, 0, 0, 9, 0, 0, 0, -(1 << 30), 0, 0, 0, 7, 0, 0, 0);
    const indices = dictionary.indicesOf({ words, stride: 4 }, { length: 5, validity: Uint8Array.of(0b11101), bitOffset: 0, rows: Int32Array.of(0, 1, 2, 4) }, Infinity);
    assert.deepEqual([...(indices ?? [])], [0, 1, 0]);
    const next = dictionary.indicesOf({ words: Int32Array.of(9, 8, 7), stride: 1 }, { length: 3, validity: undefined, bitOffset: 0 }, Infinity);
    assert.deepEqual([...(next ?? [])], [1, 2, 0]);
    assert.deepEqual([...dictionary.page()], [...le(7), ...le(9), ...le(8)]);
  });
});
