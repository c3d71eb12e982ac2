import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes items submitted together in one write and gives each caller its own result', async () => {
    const writes: number[][] = [];
    const group = new GroupCommit<number, string>(async (items) => {
      writes.push(items);
      return items.map((item) => `done ${item}`);
    }, 100);
    const results = await Promise.all([1, 2, 3].map((item) => group.submit(item)));
    expect(results).toEqual(['done 1', 'done 2', 'done 3']);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('collects items submitted during a write into the next one, never two writes at once', async () => {
    const writes: number[][] = [];
    let inFlight = 0;
    let release: () => void = () => undefined;
    const group = new GroupCommit<number, number>(async (items) => {
      inFlight += 1;
      expect(inFlight).toBe(1);
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      inFlight -= 1;
      return items;
    }, 100);
    const first = group.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((item) => group.submit(item));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('splits groups larger than the limit', async () => {
    const writes: number[][] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      writes.push(items);
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((item) => group.submit(item)));
    expect(writes).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects every caller of a failed write, and writes later items normally', async () => {
    let fail = true;
    const group = new GroupCommit<number, number>(async (items) => {
      if (fail) throw new Error('database unreachable');
      return items;
    }, 100);
    const failed = await Promise.allSettled([group.submit(1), group.submit(2)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(group.submit(3)).resolves.toBe(3);
  });
});
