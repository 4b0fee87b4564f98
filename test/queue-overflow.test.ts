/**
 * A turn refused because the turns queue is at its bound gets its busy notice queued on the
 * notices queue in the same Redis round trip (RedisStreamQueue `overflow`, one script), so
 * the 200 for a refused turn waits on Redis once, not twice (issue 11, burst ack p99).
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createIntake, NOTICE_JOB, TURN_JOB } from "../src/bot/intake.ts";
import type { IncomingMessage, Responder } from "../src/core/chat.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { Job, JobInput, WorkQueue } from "../src/core/work-queue.ts";
import { MemoryQueue } from "../src/queue/memory-queue.ts";
import { RedisStreamQueue, type RedisStreamQueueOptions } from "../src/queue/redis-stream-queue.ts";
import type { RedisStore } from "../src/store/redis-store.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";
import { baseOptions, eventually } from "./work-queue-contract.ts";

const turn = (n: number, key = `turn-${n}`): JobInput => ({ kind: TURN_JOB, key, payload: { n } });
const notice = (n: number, key: string | undefined = `turn-${n}:busy`): JobInput => ({
  kind: NOTICE_JOB,
  ...(key ? { key, rememberMs: 60_000 } : {}),
  payload: { n, text: "busy" },
});

describe.skipIf(redisSkipReason)("a full turns queue queues the overflow job in the same round trip", () => {
  const stores: RedisStore[] = [];
  const queues: WorkQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop(0)));
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  /** A turns queue of `turnsDepth` whose overflow is a notices queue of `noticesDepth`, on one store. */
  const pair = async (turnsDepth: number, noticesDepth = 100, extra: Partial<RedisStreamQueueOptions> = {}) => {
    const store = await connectTestRedis(`test:${randomUUID()}:`);
    stores.push(store);
    const notices = new RedisStreamQueue(store, { ...baseOptions, name: "notices", maxDepth: noticesDepth });
    const turns = new RedisStreamQueue(store, {
      ...baseOptions,
      name: "turns",
      maxDepth: turnsDepth,
      overflow: notices,
      ...extra,
    });
    queues.push(turns, notices);
    const evalSha = vi.spyOn(store.client, "evalSha");
    return { store, turns, notices, evalSha };
  };

  it("queues the turn and leaves the overflow job out while there is room", async () => {
    const { turns, notices } = await pair(2);
    const result = await turns.enqueue({ ...turn(1), overflow: notice(1) });
    expect(result).toMatchObject({ status: "queued", depth: 1 });
    expect((await turns.stats()).waiting).toBe(1);
    expect((await notices.stats()).waiting).toBe(0);
  });

  it("answers full and queues the notice instead, with one script call", async () => {
    const { turns, notices, evalSha } = await pair(1);
    await turns.enqueue({ ...turn(1), overflow: notice(1) });
    evalSha.mockClear();
    const result = await turns.enqueue({ ...turn(2), overflow: notice(2) });
    expect(result).toMatchObject({ status: "full", depth: 1, overflow: { status: "queued", depth: 1 } });
    expect(evalSha).toHaveBeenCalledTimes(1);
    expect((await turns.stats()).waiting).toBe(1);
    expect((await notices.stats()).waiting).toBe(1);
  });

  it("does not queue a second notice for a redelivery of the same refused message", async () => {
    const { turns, notices } = await pair(1);
    await turns.enqueue(turn(1));
    await turns.enqueue({ ...turn(2), overflow: notice(2) });
    const again = await turns.enqueue({ ...turn(2), overflow: notice(2) });
    expect(again).toEqual({ status: "duplicate" });
    expect((await notices.stats()).waiting).toBe(1);
  });

  it("does not queue Slack's retry of a message told busy as a turn once the queue has room", async () => {
    const { turns, notices } = await pair(1);
    const first: Job[] = [];
    await turns.enqueue(turn(1));
    await turns.enqueue({ ...turn(2), overflow: notice(2) });
    // The queue drains; the retry of the refused message arrives after (its ack was late).
    turns.startWorkers({ handlers: { [TURN_JOB]: async (job) => void first.push(job) }, concurrency: 1 });
    await eventually(async () => expect((await turns.stats()).waiting + (await turns.stats()).running).toBe(0));
    expect(await turns.enqueue({ ...turn(2), overflow: notice(2) })).toEqual({ status: "duplicate" });
    expect(first.map((j) => j.payload.n)).toEqual([1]);
    expect((await notices.stats()).waiting).toBe(1);
    // Another message still gets in.
    expect(await turns.enqueue({ ...turn(3), overflow: notice(3) })).toMatchObject({ status: "queued" });
  });

  it("answers full for the notice too when the notices queue is at its own bound", async () => {
    const { turns, notices } = await pair(1, 1);
    await turns.enqueue(turn(1));
    await turns.enqueue({ ...turn(2), overflow: notice(2) });
    const third = await turns.enqueue({ ...turn(3), overflow: notice(3) });
    expect(third).toEqual({ status: "full", depth: 1, overflow: { status: "full", depth: 1 } });
    expect((await notices.stats()).waiting).toBe(1);
  });

  it("queues an overflow job without a key, and a turn without one", async () => {
    const { turns, notices } = await pair(1);
    await turns.enqueue({ kind: TURN_JOB, payload: { n: 1 } });
    const result = await turns.enqueue({ kind: TURN_JOB, payload: { n: 2 }, overflow: notice(2, undefined) });
    expect(result).toMatchObject({ status: "full", overflow: { status: "queued" } });
    expect((await notices.stats()).waiting).toBe(1);
  });

  it("hands the notice's worker the job as queued, and remembers its key after the ack", async () => {
    const { turns, notices } = await pair(1);
    await turns.enqueue(turn(1));
    await turns.enqueue({ ...turn(2), overflow: notice(2) });
    const ran: Job[] = [];
    notices.startWorkers({ handlers: { [NOTICE_JOB]: async (job) => void ran.push(job) }, concurrency: 1 });
    await eventually(() => expect(ran).toHaveLength(1));
    expect(ran[0]).toMatchObject({ kind: NOTICE_JOB, key: "turn-2:busy", payload: { n: 2, text: "busy" } });
    await eventually(async () => expect((await notices.stats()).running).toBe(0));
    // Acked with rememberMs: Slack's retry of the refused message is neither told twice nor queued.
    expect(await turns.enqueue({ ...turn(2), overflow: notice(2) })).toEqual({ status: "duplicate" });
  });

  it("refuses a duplicate turn before looking at the bound or the overflow", async () => {
    const { turns, notices } = await pair(1);
    await turns.enqueue(turn(1));
    expect(await turns.enqueue({ ...turn(1), overflow: notice(1) })).toEqual({ status: "duplicate" });
    expect((await notices.stats()).waiting).toBe(0);
  });

  it("ignores an overflow queue on another store (answers full without overflow; the caller queues it)", async () => {
    const { turns } = await pair(1);
    const other = await connectTestRedis(`test:${randomUUID()}:`);
    stores.push(other);
    const elsewhere = new RedisStreamQueue(other, { ...baseOptions, name: "notices" });
    queues.push(elsewhere);
    const store = stores[0] as RedisStore;
    const lonely = new RedisStreamQueue(store, { ...baseOptions, name: "turns-2", maxDepth: 1, overflow: elsewhere });
    queues.push(lonely);
    await lonely.enqueue(turn(1));
    expect(await lonely.enqueue({ ...turn(2), overflow: notice(2) })).toEqual({ status: "full", depth: 1 });
    expect((await elsewhere.stats()).waiting).toBe(0);
    expect((await turns.stats()).waiting).toBe(0);
  });

  it("makes one enqueue for a refused mention through the intake, and posts nothing itself", async () => {
    const { turns, notices, evalSha } = await pair(1);
    const noticesEnqueue = vi.spyOn(notices, "enqueue");
    const reply = vi.fn(async () => ({ thread, messageId: "1" }));
    const intake = createIntake({
      queue: turns,
      notices,
      handle: async () => {},
      logger: silentLogger,
      track: () => {},
    });
    await intake(message("1763888000.000001"), responder(reply));
    evalSha.mockClear();
    await intake(message("1763888000.000002"), responder(reply));
    expect(evalSha).toHaveBeenCalledTimes(1);
    expect(noticesEnqueue).not.toHaveBeenCalled();
    expect(reply).not.toHaveBeenCalled();
    expect((await notices.stats()).waiting).toBe(1);
  });
});

const thread = { platform: "slack" as const, workspace: "T0TEST", channel: "C0TEST", thread: "" };
const message = (ts: string): IncomingMessage => ({
  thread: { ...thread, thread: ts },
  user: { platform: "slack", id: "U0DEMOALEX" },
  text: "what's blocking the sprint?",
  messageId: ts,
  receivedAt: Date.parse("2026-11-23T09:00:00Z"),
});
const responder = (reply: Responder["reply"]): Responder => ({
  reply,
  address: { platform: "slack", thread: { ...thread, thread: "1763888000.000002" } },
});

describe("a queue that cannot queue the overflow itself (memory)", () => {
  it("answers full without overflow, and the intake queues the notice in a second step", async () => {
    const turns = new MemoryQueue({ name: "turns", maxDepth: 1 });
    const notices = new MemoryQueue({ name: "notices", maxDepth: 10 });
    const noticesEnqueue = vi.spyOn(notices, "enqueue");
    const reply = vi.fn(async () => ({ thread, messageId: "1" }));
    const intake = createIntake({
      queue: turns,
      notices,
      handle: async () => {},
      logger: silentLogger,
      track: () => {},
    });
    await intake(message("1763888000.000001"), responder(reply));
    expect(await turns.enqueue({ ...turn(9), overflow: notice(9) })).toEqual({ status: "full", depth: 1 });
    await intake(message("1763888000.000002"), responder(reply));
    expect(noticesEnqueue).toHaveBeenCalledTimes(1);
    expect(noticesEnqueue.mock.calls[0]?.[0]).toMatchObject({ kind: NOTICE_JOB, key: expect.stringMatching(/:busy$/) });
    expect(reply).not.toHaveBeenCalled();
    expect((await notices.stats()).waiting).toBe(1);
  });

  it("posts the notice itself when the notices queue refuses it too", async () => {
    const turns = new MemoryQueue({ name: "turns", maxDepth: 1 });
    const notices = new MemoryQueue({ name: "notices", maxDepth: 1 });
    await notices.enqueue(notice(100));
    const reply = vi.fn(async () => ({ thread, messageId: "1" }));
    const tracked: Promise<unknown>[] = [];
    const intake = createIntake({
      queue: turns,
      notices,
      handle: async () => {},
      logger: silentLogger,
      track: (p) => void tracked.push(p),
    });
    await intake(message("1763888000.000001"), responder(reply));
    await intake(message("1763888000.000002"), responder(reply));
    await Promise.all(tracked);
    expect(reply).toHaveBeenCalledTimes(1);
  });
});
