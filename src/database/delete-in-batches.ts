const BATCH = 1_000;
const MAX_BATCHES_PER_PASS = 100;

export interface BatchDeletion {
  /** Rows deleted, or null when another instance held the pruning lock. */
  deleted: number | null;
  /** Why the pass stopped early; `deleted` then counts what was deleted before. */
  error?: unknown;
}

/**
 * One pruning pass: deletes in small batches (short transactions, short locks) until a batch comes
 * back short, at most MAX_BATCHES_PER_PASS of them; the next pass goes on. `deleteBatch` deletes up
 * to `batch` rows, or returns null when another instance prunes.
 */
export async function deleteInBatches(deleteBatch: (batch: number) => Promise<number | null>): Promise<BatchDeletion> {
  let total = 0;
  try {
    for (let pass = 0; pass < MAX_BATCHES_PER_PASS; pass += 1) {
      const deleted = await deleteBatch(BATCH);
      if (deleted === null) return { deleted: null };
      total += deleted;
      if (deleted < BATCH) break;
    }
    return { deleted: total };
  } catch (error) {
    return { deleted: total, error };
  }
}
