/** A well-mixed 32-bit value of (seed, salt): nearby job ids get unrelated `H` values and jitters. */
export function seedHash(seed: number, salt: number): number {
  let hash = Math.imul(seed ^ Math.imul(salt, 0x9e3779b9), 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
