import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLevelBits, decodeRleHybrid } from '../../../src/parquet/flatDecoder/rleHybridDecoder';
import { widenDecimal } from '../../../src/parquet/flatDecoder/physicalColumn';
import { seededRandom } from '../../helpers/seededRandom';

/**
 * The flat decoder's bit-level paths against plain reference loops: definition levels decoded
 * straight into a validity bitmap at any bit position, dictionary indices read through 32-bit
 * windows up to the last byte of a page, and decimals of every width widened to Decimal128.
 */

function uleb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const byte = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? byte | 0x80 : byte);
  } while (rest > 0);
  return out;
}

/** RLE / bit-packed hybrid runs of `values` (`bitWidth` bits each): RLE for runs of 8 or more equal values, else bit-packed groups. */
function encodeHybrid(values: number[], bitWidth: number): Uint8Array {
  const out: number[] = [];
  const valueBytes = (bitWidth + 7) >> 3;
  let i = 0;
  while (i < values.length) {
    let run = 1;
    while (i + run < values.length && values[i + run] === values[i]) run++;
    if (run >= 8) {
      out.push(...uleb(run * 2));
      for (let b = 0; b < valueBytes; b++) out.push(Math.floor((values[i] as number) / 2 ** (8 * b)) & 0xff);
      i += run;
      continue;
    }
    const groups = Math.min(3, Math.ceil((values.length - i) / 8));
    out.push(...uleb(groups * 2 + 1));
    const packed = new Uint8Array(groups * bitWidth);
    for (let v = 0; v < groups * 8; v++) {
      const value = values[i + v] ?? 0;
      for (let b = 0; b < bitWidth; b++) {
        if (Math.floor(value / 2 ** b) % 2 === 1) {
          const bit = v * bitWidth + b;
          packed[bit >> 3] = (packed[bit >> 3] as number) | (1 << (bit & 7));
        }
      }
    }
    out.push(...packed);
    i += groups * 8;
  }
  return Uint8Array.from(out);
}

describe('flat decoder bit-level decoding', () => {
  test('definition levels land in the validity bitmap at every bit offset, with the defined count', () => {
    const next = seededRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const count = 1 + Math.floor(next() * 300);
      const density = next();
      const levels: number[] = Array.from({ length: count }, () => (next() < density ? 1 : 0));
      // Long runs too, so both run kinds appear.
      if (trial % 3 === 0) levels.fill(1, 0, Math.min(count, 40));
      const encoded = encodeHybrid(levels, 1);
      const to = Math.floor(next() * 20);
      const bits = new Uint8Array((to + count + 7) >> 3);
      // Bits before `to` belong to earlier pages: they must be kept.
      for (let bit = 0; bit < to; bit++) if (next() < 0.5) bits[bit >> 3] = (bits[bit >> 3] as number) | (1 << (bit & 7));
      const before = Array.from({ length: to }, (_, bit) => ((bits[bit >> 3] as number) >> (bit & 7)) & 1);
      const defined = decodeLevelBits(encoded, 0, encoded.byteLength, count, bits, to);
      assert.equal(defined, levels.reduce((sum, level) => sum + level, 0), `trial ${trial}: defined count`);
      const after = Array.from({ length: to + count }, (_, bit) => ((bits[bit >> 3] as number) >> (bit & 7)) & 1);
      assert.deepEqual(after, [...before, ...levels], `trial ${trial}: bits at offset ${to}`);
    }
  });

  test('a definition level above 1 or levels that end early are refused', () => {
    assert.throws(() => decodeLevelBits(Uint8Array.of(16, 2), 0, 2, 8, new Uint8Array(1), 0), /definition level 2/);
    assert.throws(() => decodeLevelBits(Uint8Array.of(3), 0, 1, 8, new Uint8Array(1), 0), /end after 0 of 8/);
  });

  test('bit-packed values of every width up to 32 decode to the values written, up to the last byte', () => {
    const next = seededRandom(11);
    for (let bitWidth = 1; bitWidth <= 32; bitWidth++) {
      const count = 1 + Math.floor(next() * 200);
      const values = Array.from({ length: count }, () => Math.floor(next() * 2 ** bitWidth));
      const encoded = encodeHybrid(values, bitWidth);
      const out = new Int32Array(count);
      decodeRleHybrid(encoded, 0, encoded.byteLength, bitWidth, count, out);
      assert.deepEqual(Array.from(out, (value) => value >>> 0), values, `bit width ${bitWidth}`);
    }
  });

  test('decimals of 1 to 16 bytes widen to sign-extended Decimal128 words', () => {
    const next = seededRandom(3);
    for (let size = 1; size <= 16; size++) {
      for (let trial = 0; trial < 20; trial++) {
        const bytes = Uint8Array.from({ length: size }, () => Math.floor(next() * 256));
        if (trial === 0) bytes.fill(0xff);
        if (trial === 1) bytes.fill(0);
        let value = 0n;
        for (const byte of bytes) value = (value << 8n) | BigInt(byte);
        value = BigInt.asIntN(size * 8, value);
        const source = new Uint8Array(size + 3);
        source.set(bytes, 3);
        const words = new Int32Array(8).fill(0x5a5a5a5a);
        widenDecimal(source, 3, size, words, 4);
        const expected = BigInt.asUintN(128, value);
        const actual = [0, 1, 2, 3].reduce((sum, w) => sum | (BigInt(words[4 + w] as number >>> 0) << BigInt(32 * w)), 0n);
        assert.equal(actual, expected, `${size} bytes: ${value}`);
        assert.deepEqual(Array.from(words.subarray(0, 4)), [0x5a5a5a5a, 0x5a5a5a5a, 0x5a5a5a5a, 0x5a5a5a5a], 'words before `to` untouched');
      }
    }
  });
});
