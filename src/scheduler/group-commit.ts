interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: callers submit one item each and get their own result, but the items are written
 * many per statement. The first item written on its own would cost a round trip per run, which caps
 * an instance at a few thousand outcomes per second; grouped, one statement records hundreds.
 *
 * One write is in flight at a time. Items submitted while it is in flight wait for the next one, so
 * the busier the database, the larger the groups; an idle instance writes an item on the next turn
 * of the event loop, with no timer to wait for.
 */
export class GroupCommit<Item, Result> {
  private queue: Waiting<Item, Result>[] = [];
  private writing = false;
  private scheduled = false;

  constructor(
    private readonly write: (items: Item[]) => Promise<Result[]>,
    private readonly maxGroup: number,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing || this.queue.length === 0) return;
    this.writing = true;
    const group = this.queue.splice(0, this.maxGroup);
    try {
      const results = await this.write(group.map((waiting) => waiting.item));
      group.forEach((waiting, index) => waiting.resolve(results[index]));
    } catch (error) {
      // Every caller learns that its item was not written and decides itself whether to retry.
      group.forEach((waiting) => waiting.reject(error));
    } finally {
      this.writing = false;
      this.schedule();
    }
  }
}
