import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Job, JobHandler, WorkQueue } from "../src/core/work-queue.ts";
import type { CreateQueueOptions } from "../src/queue/create-queue.ts";

/** One storage per test; `queue()` called twice gives two workers (consumers) on it. */
export interface QueueBackend {
  queue(options?: Partial<CreateQueueOptions>): WorkQueue;
  close(): Promise<void>;
}

export interface QueueHarness {
  open(): Promise<QueueBackend>;
}

/** Polls until `check` passes: timing on a loaded machine varies, so no fixed sleeps. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export const baseOptions: CreateQueueOptions = {
  name: "turns",
  maxDepth: 100,
  maxDeliveries: 3,
  retryDelayMs: 10,
  reclaimIdleMs: 1_000,
  heartbeatMs: 100,
  blockMs: 200,
};

/** The WorkQueue contract, run against every implementation (memory, Redis Stream). */
export function workQueueContract(name: string, harness: QueueHarness): void {
  describe(`${name} work queue contract`, () => {
    let backend: QueueBackend;
    const started: WorkQueue[] = [];

    const open = (options: Partial<CreateQueueOptions> = {}): WorkQueue => {
      const queue = backend.queue({ ...baseOptions, ...options });
      started.push(queue);
      return queue;
    };

    beforeEach(async () => {
      backend = await harness.open();
    });

    afterEach(async () => {
      await Promise.all(started.splice(0).map((q) => q.stop(0)));
      await backend.close();
    });

    it("runs each job once, with its payload, on its first delivery", async () => {
      const queue = open();
      const seen: Job[] = [];
      for (let i = 0; i < 20; i++) {
        expect(await queue.enqueue({ kind: "turn", payload: { n: i, text: `q${i}` } })).toMatchObject({
          status: "queued",
          depth: i + 1,
        });
      }
      queue.startWorkers({ concurrency: 4, handlers: { turn: async (job) => void seen.push(job) } });
      await eventually(() => expect(seen).toHaveLength(20));
      await eventually(async () => expect(await queue.stats()).toMatchObject({ waiting: 0, running: 0 }));
      await queue.enqueue({ kind: "turn", payload: { n: 20 } });
      await eventually(() => expect(seen).toHaveLength(21));
      expect(new Set(seen.map((j) => j.id)).size).toBe(21);
      expect(seen.map((j) => j.payload.n).sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 21 }, (_, i) => i),
      );
      expect(seen.every((j) => j.deliveries === 1 && j.kind === "turn")).toBe(true);
      expect((await queue.stats()).oldestAgeMs).toBeUndefined();
    });

    it("never runs more jobs at once than its concurrency, and does reach it", async () => {
      const queue = open();
      let now = 0;
      let peak = 0;
      let done = 0;
      const handler: JobHandler = async () => {
        now++;
        peak = Math.max(peak, now);
        await new Promise((resolve) => setTimeout(resolve, 40));
        now--;
        done++;
      };
      for (let i = 0; i < 12; i++) await queue.enqueue({ kind: "turn", payload: { i } });
      queue.startWorkers({ concurrency: 3, handlers: { turn: handler } });
      await eventually(() => expect(done).toBe(12));
      expect(peak).toBe(3);
    });

    it("answers full over its bound and queues nothing", async () => {
      const queue = open({ maxDepth: 3 });
      for (let i = 0; i < 3; i++) expect((await queue.enqueue({ kind: "turn", payload: { i } })).status).toBe("queued");
      expect(await queue.enqueue({ kind: "turn", payload: { i: 3 } })).toEqual({ status: "full", depth: 3 });
      expect(await queue.stats()).toMatchObject({ waiting: 3, running: 0 });
      expect((await queue.stats()).oldestAgeMs).toBeGreaterThanOrEqual(0);

      const ran: unknown[] = [];
      const release = gate();
      queue.startWorkers({
        concurrency: 1,
        handlers: {
          turn: async (job) => {
            await release.promise;
            ran.push(job.payload.i);
          },
        },
      });
      // A running job still counts towards the bound.
      await eventually(async () => expect(await queue.stats()).toMatchObject({ waiting: 2, running: 1 }));
      expect((await queue.enqueue({ kind: "turn", payload: { i: 4 } })).status).toBe("full");
      release.open();
      await eventually(() => expect(ran).toHaveLength(3));
      expect(ran.sort()).toEqual([0, 1, 2]);
      await eventually(async () => expect(await queue.stats()).toMatchObject({ waiting: 0, running: 0 }));
      expect((await queue.enqueue({ kind: "turn", payload: { i: 5 } })).status).toBe("queued");
    });

    it("does not queue a duplicate key while queued or running, and queues it again after it finished", async () => {
      const queue = open();
      expect((await queue.enqueue({ kind: "turn", payload: { n: 1 }, key: "event-1" })).status).toBe("queued");
      expect(await queue.enqueue({ kind: "turn", payload: { n: 2 }, key: "event-1" })).toEqual({ status: "duplicate" });
      expect((await queue.enqueue({ kind: "turn", payload: { n: 3 }, key: "event-2" })).status).toBe("queued");

      const release = gate();
      const ran: unknown[] = [];
      queue.startWorkers({
        concurrency: 2,
        handlers: {
          turn: async (job) => {
            ran.push(job.payload.n);
            if (job.key === "event-1") await release.promise;
          },
        },
      });
      await eventually(() => expect(ran).toContain(1));
      expect(await queue.enqueue({ kind: "turn", payload: { n: 4 }, key: "event-1" })).toEqual({ status: "duplicate" });
      release.open();
      await eventually(async () => expect(await queue.stats()).toMatchObject({ waiting: 0, running: 0 }));
      expect((await queue.enqueue({ kind: "turn", payload: { n: 5 }, key: "event-1" })).status).toBe("queued");
      await eventually(() => expect(ran.sort()).toEqual([1, 3, 5]));
    });

    it("keeps answering duplicate for a remembered key after its job finished, and only for that key", async () => {
      const queue = open();
      const ran: unknown[] = [];
      queue.startWorkers({ concurrency: 2, handlers: { turn: async (job) => void ran.push(job.payload.n) } });
      const first = { kind: "turn", payload: { n: 1 }, key: "msg-1", rememberMs: 60_000 };
      expect((await queue.enqueue(first)).status).toBe("queued");
      expect((await queue.enqueue({ kind: "turn", payload: { n: 2 }, key: "msg-2" })).status).toBe("queued");
      await eventually(async () => expect(await queue.stats()).toMatchObject({ waiting: 0, running: 0 }));
      expect(ran.sort()).toEqual([1, 2]);
      // A redelivery of the answered message is still a duplicate; a key without rememberMs is free again.
      expect(await queue.enqueue({ ...first, payload: { n: 3 } })).toEqual({ status: "duplicate" });
      expect((await queue.enqueue({ kind: "turn", payload: { n: 4 }, key: "msg-2" })).status).toBe("queued");
      await eventually(() => expect(ran.sort()).toEqual([1, 2, 4]));
    });

    it("retries a failing job and gives up once, with onGiveUp, after maxDeliveries", async () => {
      const queue = open({ maxDeliveries: 3 });
      const attempts: number[] = [];
      const gaveUp: { job: Job; error: unknown }[] = [];
      queue.startWorkers({
        concurrency: 2,
        handlers: {
          turn: async (job) => {
            attempts.push(job.deliveries);
            throw new Error("model down");
          },
        },
        onGiveUp: async (job, error) => void gaveUp.push({ job, error }),
      });
      await queue.enqueue({ kind: "turn", payload: { n: 1 }, key: "k" });
      await eventually(() => expect(gaveUp).toHaveLength(1));
      expect(attempts).toEqual([1, 2, 3]);
      expect(gaveUp[0]!.job).toMatchObject({ payload: { n: 1 }, deliveries: 3, key: "k" });
      expect((gaveUp[0]!.error as Error).message).toBe("model down");
      await eventually(async () => expect(await queue.stats()).toMatchObject({ waiting: 0, running: 0 }));
      // Given up means acknowledged: its key is free and nothing runs again.
      expect((await queue.enqueue({ kind: "other", payload: {}, key: "k" })).status).toBe("queued");
      await eventually(() => expect(gaveUp).toHaveLength(2));
      expect(attempts).toEqual([1, 2, 3]);
    });

    it("runs a job that failed once again, and finishes it without giving up", async () => {
      const queue = open();
      const attempts: number[] = [];
      let gaveUp = 0;
      queue.startWorkers({
        concurrency: 1,
        handlers: {
          turn: async (job) => {
            attempts.push(job.deliveries);
            if (job.deliveries === 1) throw new Error("blip");
          },
        },
        onGiveUp: async () => void gaveUp++,
      });
      await queue.enqueue({ kind: "turn", payload: {} });
      await eventually(async () => {
        expect(attempts).toEqual([1, 2]);
        expect(await queue.stats()).toMatchObject({ waiting: 0, running: 0 });
      });
      expect(gaveUp).toBe(0);
    });

    it("stops taking jobs at stop, lets running ones finish within the window and hands back the rest", async () => {
      const queue = open();
      const quick = gate();
      const ran: string[] = [];
      queue.startWorkers({
        concurrency: 2,
        handlers: {
          quick: async () => {
            ran.push("quick");
            await quick.promise;
          },
          stuck: async () => {
            ran.push("stuck");
            await new Promise(() => {});
          },
          later: async () => void ran.push("later"),
        },
      });
      await queue.enqueue({ kind: "quick", payload: {} });
      await queue.enqueue({ kind: "stuck", payload: {} });
      await eventually(() => expect(ran.sort()).toEqual(["quick", "stuck"]));
      await queue.enqueue({ kind: "later", payload: {} });
      const stopping = queue.stop(1_500);
      quick.open();
      expect(await stopping).toEqual({ finished: 1, handedBack: 1 });
      expect(ran).not.toContain("later");
    });
  });
}
