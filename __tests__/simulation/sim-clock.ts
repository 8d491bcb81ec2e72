/**
 * Simulated time for the DR estate simulation: a clock, a queue of timed actions run in order, and a seeded
 * random source so every run of the simulation is the same run.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly action: () => void | Promise<void>;
}

/** A binary min-heap of actions by time, then by the order they were scheduled. */
export class SimClock {
  private heap: Scheduled[] = [];
  private seq = 0;
  private current: number;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  now(): number {
    return this.current;
  }

  date(): Date {
    return new Date(this.current);
  }

  at(time: number, action: () => void | Promise<void>): void {
    if (time < this.current) throw new Error(`Scheduled in the past: ${new Date(time).toISOString()} < ${this.date().toISOString()}`);
    this.push({ at: time, seq: this.seq++, action });
  }

  after(delayMs: number, action: () => void | Promise<void>): void {
    this.at(this.current + delayMs, action);
  }

  /** Runs every action due before `end`, each to completion (awaiting its promise) before the next. */
  async runUntil(end: number): Promise<void> {
    while (this.heap.length > 0 && this.heap[0].at < end) {
      const next = this.pop();
      this.current = next.at;
      // Awaiting only what returns a promise: most actions are synchronous, and each await costs a microtask turn.
      const pending = next.action();
      if (pending) await pending;
    }
    this.current = end;
  }

  private less(a: Scheduled, b: Scheduled): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(item: Scheduled): void {
    const heap = this.heap;
    heap.push(item);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.less(item, heap[parent])) break;
      heap[index] = heap[parent];
      index = parent;
    }
    heap[index] = item;
  }

  private pop(): Scheduled {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    const size = heap.length;
    if (size > 0) {
      // Sift `last` down from the root: move the smaller child up until `last` fits.
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && this.less(heap[right], heap[left]) ? right : left;
        if (!this.less(heap[child], last)) break;
        heap[index] = heap[child];
        index = child;
      }
      heap[index] = last;
    }
    return top;
  }
}

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Uniform in [min, max). */
export const between = (random: () => number, min: number, max: number) => min + random() * (max - min);
