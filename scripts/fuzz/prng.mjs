// A small deterministic PRNG (sfc32, seeded through splitmix32), so a fuzz run is replayed exactly from its seed.

function splitmix32(a) {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

export class Rng {
  /** @param {number} seed a 32-bit unsigned integer */
  constructor(seed) {
    const sm = splitmix32(seed >>> 0);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.u32();
  }
  u32() {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** a float in [0, 1) */
  next() {
    return this.u32() / 4294967296;
  }
  /** an integer in [lo, hi] */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** an integer in [0, n) */
  below(n) {
    return Math.floor(this.next() * n);
  }
  chance(p) {
    return this.next() < p;
  }
  pick(arr) {
    return arr[this.below(arr.length)];
  }
  /** a positive integer in [1, max], small values far more likely (log-uniform) */
  logInt(max) {
    return Math.max(1, Math.min(max, Math.floor(Math.exp(this.next() * Math.log(max + 1)))));
  }
  /** picks from [[weight, value], ...] */
  weighted(entries) {
    let total = 0;
    for (const [w] of entries) total += w;
    let r = this.next() * total;
    for (const [w, v] of entries) {
      if ((r -= w) < 0) return v;
    }
    return entries[entries.length - 1][1];
  }
}

/** The seed of case `index` of a run with seed `seed` (each case replays on its own). */
export function caseSeed(seed, index) {
  const sm = splitmix32((seed ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  sm();
  return sm();
}

export function randomSeed() {
  return (Math.floor(Math.random() * 4294967296) ^ (Date.now() & 0xffffffff)) >>> 0;
}
