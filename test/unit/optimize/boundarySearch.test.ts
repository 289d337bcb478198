import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundarySearch } from '../../../src/ops/optimize/boundarySearch';
import { seededRandom } from '../../../src/ops/optimize/seededRandom';

function plainUpperBound(bounds: Float64Array, value: number): number {
  let n = 0;
  for (const b of bounds) if (b <= value) n++;
  return n;
}

test('BoundarySearch counts the boundaries at or below a value exactly, whatever their spread', () => {
  const random = seededRandom(11);
  const distinctSorted = (values: number[]): Float64Array => Float64Array.from([...new Set(values)].sort((a, b) => a - b));
  const sets: Record<string, Float64Array> = {
    empty: new Float64Array(0),
    one: Float64Array.of(5),
    uniform: distinctSorted(Array.from({ length: 1023 }, () => Math.floor(random() * 1_000_000))),
    // Most boundaries in a sliver of the span: many share one slice.
    skewed: distinctSorted(Array.from({ length: 1023 }, (_, i) => (i < 1000 ? 1e12 + i : random() * 1e15))),
    negative: distinctSorted(Array.from({ length: 300 }, () => (random() - 0.5) * 1e-3)),
    infinite: Float64Array.of(-Infinity, -1, 0, 2.5, Infinity),
    huge: distinctSorted([2 ** 53, 2 ** 60, 2 ** 62 + 2 ** 10, -(2 ** 63), 0]),
  };
  for (const [name, bounds] of Object.entries(sets)) {
    const search = new BoundarySearch(bounds);
    const probes = [
      ...bounds, ...Array.from(bounds, (b) => b - Math.abs(b) * 1e-12 - 1e-300), ...Array.from(bounds, (b) => b + Math.abs(b) * 1e-12 + 1e-300),
      -Infinity, Infinity, 0, -0, Number.MAX_VALUE, -Number.MAX_VALUE,
      ...Array.from({ length: 2000 }, () => ((bounds[0] ?? 0) - 1) + random() * (((bounds[bounds.length - 1] ?? 0) - (bounds[0] ?? 0)) + 2)),
    ].filter((v) => !Number.isNaN(v));
    for (const value of probes) assert.equal(search.upperBound(value), plainUpperBound(bounds, value), `${name}: ${value}`);
  }
});
