/** A deterministic pseudo-random sequence in [0, 1) (xorshift32), so a randomised test fails the same way every run. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}
