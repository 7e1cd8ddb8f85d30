/** Group commit: the first write goes at once; writes arriving meanwhile go together in the next batch. */
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/db/group-commit.js';

/** A write function whose batches the test releases one by one. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: { open(): void; fail(err: Error): void }[] = [];
  const write = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items);
      gates.push({ open: resolve, fail: reject });
    });
  return { batches, gates, write };
}

describe('GroupCommit', () => {
  it('writes the first item alone and everything that waited meanwhile as one batch; each promise settles with its batch', async () => {
    const w = gatedWriter();
    const gc = new GroupCommit<number>(w.write);
    const settled: number[] = [];
    const adds = [1, 2, 3, 4].map((n) => gc.add(n).then(() => void settled.push(n)));
    expect(w.batches).toEqual([[1]]);
    w.gates[0]!.open();
    await adds[0];
    expect(settled).toEqual([1]);
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
    w.gates[1]!.open();
    await Promise.all(adds);
    expect(settled).toEqual([1, 2, 3, 4]);
  });

  it('a failed batch rejects only its own writes, and the next batch still goes', async () => {
    const w = gatedWriter();
    const gc = new GroupCommit<number>(w.write);
    const first = gc.add(1);
    const second = gc.add(2);
    w.gates[0]!.fail(new Error('lease lost'));
    await expect(first).rejects.toThrow('lease lost');
    expect(w.batches).toEqual([[1], [2]]);
    w.gates[1]!.open();
    await expect(second).resolves.toBeUndefined();
  });

  it('caps a batch at maxBatch', async () => {
    const w = gatedWriter();
    const gc = new GroupCommit<number>(w.write, 2);
    const adds = [1, 2, 3, 4, 5].map((n) => gc.add(n));
    w.gates[0]!.open();
    await adds[0];
    expect(w.batches).toEqual([[1], [2, 3]]);
    w.gates[1]!.open();
    await adds[2];
    w.gates[2]!.open();
    await Promise.all(adds);
    expect(w.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it("gives each caller its own result when the write returns one per item", async () => {
    const batches: number[][] = [];
    let gate!: () => void;
    const gc = new GroupCommit<number, string>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (gate = r));
      return items.map((n) => `granted ${n}`);
    });
    const adds = [1, 2, 3].map((n) => gc.add(n));
    gate();
    expect(await Promise.all(adds)).toEqual(['granted 1', 'granted 2', 'granted 3']);
    expect(batches).toEqual([[1], [2, 3]]);
  });
});
