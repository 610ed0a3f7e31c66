// Request ids shaped like ImageKit's (24 lower-case hex digits, e.g. 598821f949c0a938d57563bd). Without a seed they
// come from a counter (000000000000000000000001, ...), so runs are reproducible; with a seed, from a small seeded
// PRNG (mulberry32), still reproducible for the same seed. The seed is the emulator's only source of randomness.

export interface IdGenerator {
  next(): string;
}

export function createIdGenerator(seed: number | undefined, salt: number): IdGenerator {
  if (seed === undefined) {
    let n = 0;
    return { next: () => (++n).toString(16).padStart(24, '0') };
  }
  const random = mulberry32((seed ^ Math.imul(salt, 0x9e3779b1)) >>> 0);
  return {
    next: () => {
      let out = '';
      while (out.length < 24) out += random().toString(16).padStart(8, '0');
      return out.slice(0, 24);
    },
  };
}

/** mulberry32: a tiny 32-bit PRNG; returns unsigned 32-bit integers. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
