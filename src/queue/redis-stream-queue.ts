import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { RedisClientType } from "redis";
import { type Clock, systemClock } from "../core/clock.ts";
import { DaybookError } from "../core/errors.ts";
import { type Logger, silentLogger } from "../core/logger.ts";
import type {
  EnqueueResult,
  Job,
  JobInput,
  QueueStats,
  StopResult,
  WorkerOptions,
  WorkQueue,
} from "../core/work-queue.ts";
import type { RedisStore } from "../store/redis-store.ts";
import {
  defaultMaxDeliveries,
  defaultRetryDelayMs,
  jobFields,
  parseInput,
  type QueueOptions,
  retryDelay,
  runHandler,
  Signal,
  serialiseInput,
  waitUntil,
} from "./common.ts";
import { ConsumerGroup, type OverflowEntry, type StreamMessage } from "./consumer-group.ts";

export interface RedisStreamQueueOptions extends QueueOptions {
  /** Consumer group shared by every worker of this deployment (default "daybook"). */
  group?: string;
  /**
   * An entry delivered to a consumer and untouched for this long is taken over by another
   * (XAUTOCLAIM). Live jobs are heartbeated, so this only has to outlast a heartbeat gap
   * (default 20 s).
   */
  reclaimIdleMs?: number;
  /** How often running jobs reset their idle time (default reclaimIdleMs / 4, at most 5 s). */
  heartbeatMs?: number;
  /** How often this worker looks for entries of dead consumers (default reclaimIdleMs / 2). */
  reclaimIntervalMs?: number;
  /** Longest XREADGROUP BLOCK (default 2 s). */
  blockMs?: number;
  /** Lifetime of an idempotency key if its job is never acknowledged (default 1 h). */
  keyTtlMs?: number;
  /** Consumer name; unique per process by default (hostname-pid-random). */
  consumer?: string;
  /** Deadline for one command on the shared client (default 5 s). */
  commandTimeoutMs?: number;
  /** A consumer with nothing pending and idle this long is removed from the group (default 1 h). */
  deadConsumerIdleMs?: number;
  /**
   * Where a job's `overflow` goes when this queue is full: another stream queue on the same
   * store (turns -> notices). On one server (or Sentinel) both are written by one script;
   * on a cluster the two streams hash to different slots, so `full` is answered without
   * `overflow` and the caller makes the second enqueue.
   */
  overflow?: WorkQueue;
  clock?: Clock;
  logger?: Logger;
}

interface Held {
  job: Job;
  /**
   * running: a handler is at work; waiting: failed, its retry is due later; acking: done, ack
   * on its way; unacked: done, but Redis refused the ack (the heartbeat retries it).
   */
  state: "running" | "waiting" | "acking" | "unacked";
  timer?: NodeJS.Timeout;
}

/**
 * WorkQueue on a Redis Stream with a consumer group (https://redis.io/docs/latest/develop/data-types/streams/).
 * An entry is acknowledged (XACK + XDEL) only after its handler resolved or it was given up;
 * until then it sits in the group's pending list, heartbeated by its consumer, and a consumer
 * that stops heartbeating has its entries taken over by another after `reclaimIdleMs`.
 */
export class RedisStreamQueue implements WorkQueue {
  readonly durable = true;
  readonly streamKey: string;
  readonly group: string;
  readonly consumer: string;

  readonly #store: RedisStore;
  readonly #redis: ConsumerGroup;
  readonly #name: string;
  readonly #maxDepth: number;
  readonly #maxDeliveries: number;
  readonly #retryDelayMs: number;
  readonly #reclaimIdleMs: number;
  readonly #heartbeatMs: number;
  readonly #reclaimIntervalMs: number;
  readonly #blockMs: number;
  readonly #keyTtlMs: number;
  readonly #deadConsumerIdleMs: number;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #overflow: RedisStreamQueue | undefined;

  #worker: WorkerOptions | undefined;
  #reader: RedisClientType | undefined;
  #readerNode: RedisClientType | undefined;
  #readerId: number | undefined;
  readonly #held = new Map<string, Held>();
  #running = 0;
  readonly #retryDue: string[] = [];
  readonly #changed = new Signal();
  #stopping = false;
  #closed = false;
  #loopDone: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #beating = false;
  #nextReclaimAt = 0;
  #reclaimCursor = "0-0";
  #nextConsumerSweepAt = 0;
  #outage = false;
  #completed = 0;
  #stopResult: Promise<StopResult> | undefined;

  constructor(store: RedisStore, options: RedisStreamQueueOptions) {
    this.#store = store;
    this.#name = options.name;
    // The braces are a Redis Cluster hash tag: the stream and its idempotency keys
    // (`<stream>:key:<key>`) hash to one slot, so the enqueue and ack scripts, which touch both,
    // run on one node (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags).
    this.streamKey = `${store.prefix}{queue:${options.name}}`;
    this.group = options.group ?? "daybook";
    this.consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
    this.#maxDepth = options.maxDepth;
    this.#maxDeliveries = options.maxDeliveries ?? defaultMaxDeliveries;
    this.#retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
    this.#reclaimIdleMs = options.reclaimIdleMs ?? 20_000;
    this.#heartbeatMs = options.heartbeatMs ?? Math.min(5_000, Math.max(10, Math.floor(this.#reclaimIdleMs / 4)));
    this.#reclaimIntervalMs = options.reclaimIntervalMs ?? Math.max(10, Math.floor(this.#reclaimIdleMs / 2));
    this.#blockMs = options.blockMs ?? 2_000;
    this.#keyTtlMs = options.keyTtlMs ?? 3_600_000;
    this.#deadConsumerIdleMs = options.deadConsumerIdleMs ?? 3_600_000;
    this.#clock = options.clock ?? systemClock;
    this.#log = (options.logger ?? silentLogger).child({ queue: options.name });
    const overflow = options.overflow;
    this.#overflow =
      overflow instanceof RedisStreamQueue && overflow.#store === store && !store.isCluster ? overflow : undefined;
    this.#redis = new ConsumerGroup(store.client, {
      streamKey: this.streamKey,
      keyPrefix: `${this.streamKey}:key:`,
      group: this.group,
      consumer: this.consumer,
      commandTimeoutMs: options.commandTimeoutMs ?? 5_000,
      timed: (command, op) => store.timed(command, op),
    });
    if (this.#heartbeatMs >= this.#reclaimIdleMs) {
      throw new DaybookError("config_invalid", "work queue heartbeatMs must be shorter than reclaimIdleMs");
    }
  }

  async enqueue(input: JobInput): Promise<EnqueueResult> {
    const json = serialiseInput(input);
    const overflow = input.overflow && this.#overflow ? this.#overflow.#entry(input.overflow) : undefined;
    try {
      // Through the store's circuit breaker: while Redis is not answering, an enqueue fails at
      // once and the intake falls back to memory within Slack's 3 s, instead of each request
      // waiting out its own deadline.
      return await this.#store.guard(
        () =>
          overflow
            ? this.#redis.enqueueOrOverflow(json, input.key, this.#maxDepth, this.#keyTtlMs, overflow)
            : this.#redis.enqueue(json, input.key, this.#maxDepth, this.#keyTtlMs),
        "EVALSHA:enqueue",
      );
    } catch (error) {
      throw new DaybookError("store_unavailable", `cannot enqueue on ${this.#name}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** `job` as an entry of this queue, for another queue's script to write (its overflow). */
  #entry(job: JobInput): OverflowEntry {
    return {
      streamKey: this.streamKey,
      key: job.key === undefined ? undefined : `${this.streamKey}:key:${job.key}`,
      json: serialiseInput(job),
      maxDepth: this.#maxDepth,
      keyTtlMs: this.#keyTtlMs,
    };
  }

  startWorkers(options: WorkerOptions): void {
    if (this.#worker) throw new DaybookError("internal", `workers of ${this.#name} already started`);
    if (!(options.concurrency >= 1)) throw new DaybookError("config_invalid", "work queue concurrency must be >= 1");
    this.#worker = options;
    this.#heartbeat = setInterval(() => void this.#beat(), this.#heartbeatMs);
    this.#heartbeat.unref();
    this.#loopDone = this.#loop();
  }

  async stats(): Promise<QueueStats> {
    try {
      const { length, pending: running, oldestId: oldest } = await this.#redis.counts();
      return {
        waiting: Math.max(0, length - running),
        running,
        oldestAgeMs: oldest === undefined ? undefined : Math.max(0, this.#clock.now() - idTime(oldest)),
      };
    } catch (error) {
      throw new DaybookError("store_unavailable", `cannot read ${this.#name} stats: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  stop(timeoutMs: number): Promise<StopResult> {
    this.#stopResult ??= this.#stop(timeoutMs);
    return this.#stopResult;
  }

  async #stop(timeoutMs: number): Promise<StopResult> {
    if (!this.#worker) {
      this.#stopping = true;
      this.#closed = true;
      return { finished: 0, handedBack: 0 };
    }
    const deadline = Date.now() + Math.max(0, timeoutMs);
    const completedBefore = this.#completed;
    this.#stopping = true;
    for (const held of this.#held.values()) clearTimeout(held.timer);
    this.#changed.notify();
    let loopDone = false;
    void this.#loopDone?.then(() => {
      loopDone = true;
      this.#changed.notify();
    });
    // The reader may be blocked in XREADGROUP for up to blockMs; CLIENT UNBLOCK ends the block
    // with an empty reply, so no entry is delivered to a consumer that is leaving. Repeated,
    // since an unblock sent just before the read reaches Redis is a no-op.
    while (!loopDone && Date.now() < deadline) {
      await this.#unblockReader();
      await this.#changed.wait(Math.min(50, deadline - Date.now()));
    }
    await waitUntil(() => this.#running === 0, deadline, this.#changed);
    this.#closed = true;
    clearInterval(this.#heartbeat);
    const reader = this.#reader;
    if (reader?.isOpen) {
      if (loopDone) await reader.close().catch(() => reader.destroy());
      else reader.destroy();
    }
    const handedBack = this.#held.size;
    for (const held of this.#held.values()) clearTimeout(held.timer);
    this.#held.clear();
    if (handedBack > 0) {
      this.#log.warn("work queue stopped with unfinished jobs; another worker will reclaim them", { handedBack });
    }
    return { finished: this.#completed - completedBefore, handedBack };
  }

  async #loop(): Promise<void> {
    const concurrency = this.#worker!.concurrency;
    let backoffMs = 0;
    while (!this.#stopping) {
      try {
        if (this.#running >= concurrency) {
          await this.#changed.wait(this.#blockMs);
          continue;
        }
        await this.#redis.ensureGroup();
        await this.#startRetries(concurrency);
        if (Date.now() >= this.#nextReclaimAt) await this.#reclaim(concurrency);
        await this.#read(concurrency);
        if (this.#outage) this.#log.info("work queue reaches Redis again");
        this.#outage = false;
        backoffMs = 0;
      } catch (error) {
        if (this.#stopping) break;
        if (/^(MOVED|ASK|CLUSTERDOWN)\b/.test((error as Error).message)) this.#dropReader();
        // The id may name a connection that is gone (reconnected, or another server now).
        this.#readerId = undefined;
        if (/NOGROUP/.test((error as Error).message)) {
          // The stream is gone (deleted, or Redis restarted empty): recreate the group, no outage.
          this.#redis.forgetGroup();
          this.#log.warn("work queue consumer group missing; recreating it");
        } else {
          if (!this.#outage) this.#log.error("work queue cannot reach Redis; retrying", { error });
          this.#outage = true;
        }
        backoffMs = Math.min(backoffMs === 0 ? 100 : backoffMs * 2, 2_000);
        await this.#changed.wait(backoffMs);
      }
    }
  }

  async #read(concurrency: number): Promise<void> {
    const free = concurrency - this.#running;
    if (free <= 0 || this.#stopping) return;
    const reader = await this.#openReader();
    if (!reader.isOpen) await reader.connect();
    this.#readerId ??= await reader.clientId();
    if (this.#stopping) return;
    const blockMs = Math.max(1, Math.min(this.#blockMs, this.#nextReclaimAt - Date.now()));
    const reply = (await reader.xReadGroup(
      this.group,
      this.consumer,
      { key: this.streamKey, id: ">" },
      { COUNT: free, BLOCK: blockMs },
    )) as { messages: StreamMessage[] }[] | null; // node-redis types this reply loosely (RESP2 shape)
    for (const message of reply?.[0]?.messages ?? []) {
      const job = await this.#toJob(message, 1);
      if (job) this.#start(job);
    }
  }

  async #reclaim(concurrency: number): Promise<void> {
    this.#nextReclaimAt = Date.now() + this.#reclaimIntervalMs;
    if (Date.now() >= this.#nextConsumerSweepAt) {
      this.#nextConsumerSweepAt = Date.now() + Math.min(this.#deadConsumerIdleMs, 600_000);
      await this.#redis.dropIdleConsumers(this.#deadConsumerIdleMs);
    }
    const free = concurrency - this.#running;
    if (free <= 0) return;
    const { nextId, messages } = await this.#redis.autoClaim(this.#reclaimIdleMs, this.#reclaimCursor, free);
    this.#reclaimCursor = nextId;
    for (const message of messages) {
      if (this.#held.has(message.id)) continue;
      const deliveries = await this.#redis.deliveries(message.id);
      const job = await this.#toJob(message, deliveries);
      if (!job) continue;
      this.#log.info("work queue took over a job of a stopped worker", jobFields(job, this.#name));
      if (deliveries > this.#maxDeliveries) {
        // Its earlier deliveries never finished: each one stopped its worker, or never returned.
        const error = new DaybookError("internal", `job delivered ${deliveries - 1} times without finishing`);
        this.#held.set(job.id, { job, state: "acking" });
        await this.#giveUp(job, error);
        continue;
      }
      this.#start(job);
    }
  }

  async #startRetries(concurrency: number): Promise<void> {
    while (this.#retryDue.length > 0 && this.#running < concurrency && !this.#stopping) {
      const id = this.#retryDue.shift()!;
      const held = this.#held.get(id);
      if (held?.state !== "waiting") continue;
      const deliveries = held.job.deliveries + 1;
      let lost: string[];
      try {
        lost = await this.#redis.touch([id], deliveries);
      } catch (error) {
        this.#retryDue.unshift(id);
        throw error;
      }
      if (lost.length > 0) {
        this.#held.delete(id);
        continue;
      }
      this.#held.delete(id);
      this.#start({ ...held.job, deliveries });
    }
  }

  async #toJob(message: StreamMessage, deliveries: number): Promise<Job | undefined> {
    const input = parseInput(message.message.job);
    if (input) return { ...input, id: message.id, enqueuedAt: idTime(message.id), deliveries };
    // An entry no worker can read would be delivered forever; drop it and keep going.
    this.#log.error("work queue dropped an unreadable entry", { jobId: message.id });
    await this.#redis.ack(message.id, undefined);
    return undefined;
  }

  #start(job: Job): void {
    this.#running++;
    this.#held.set(job.id, { job, state: "running" });
    void this.#execute(job);
  }

  async #execute(job: Job): Promise<void> {
    const failure = await runHandler(this.#worker!.handlers, job);
    try {
      if (this.#closed) return; // handed back at stop: another worker reclaims it
      const held = this.#held.get(job.id);
      if (!held) return;
      if (failure === null) {
        await this.#finish(job);
      } else if (job.deliveries >= this.#maxDeliveries) {
        held.state = "acking";
        await this.#giveUp(job, failure.error);
      } else {
        this.#log.warn("job failed; will retry", { ...jobFields(job, this.#name), error: failure.error });
        held.state = "waiting";
        if (!this.#stopping) {
          held.timer = setTimeout(
            () => {
              this.#retryDue.push(job.id);
              this.#changed.notify();
              void this.#unblockReader();
            },
            retryDelay(this.#retryDelayMs, job.deliveries),
          );
        }
      }
    } finally {
      this.#running--;
      this.#changed.notify();
    }
  }

  async #giveUp(job: Job, error: unknown): Promise<void> {
    this.#log.error("job given up", { ...jobFields(job, this.#name), error });
    try {
      await this.#worker!.onGiveUp?.(job, error);
    } catch (giveUpError) {
      this.#log.error("onGiveUp failed", { ...jobFields(job, this.#name), error: giveUpError });
    }
    await this.#finish(job);
  }

  /** Acknowledges; if Redis refuses, the heartbeat keeps the entry and retries the ack. */
  async #finish(job: Job): Promise<void> {
    const held = this.#held.get(job.id);
    if (held) held.state = "acking";
    if (await this.#ack(job)) this.#completed++;
    else if (held) held.state = "unacked";
  }

  async #ack(job: Job): Promise<boolean> {
    try {
      await this.#redis.ack(job.id, job.key, job.rememberMs);
      this.#held.delete(job.id);
      return true;
    } catch {
      return false;
    }
  }

  async #beat(): Promise<void> {
    // A slow Redis must not pile up overlapping heartbeats.
    if (this.#closed || this.#beating) return;
    this.#beating = true;
    try {
      await this.#beatOnce();
    } finally {
      this.#beating = false;
    }
  }

  async #beatOnce(): Promise<void> {
    for (const held of [...this.#held.values()]) {
      if (held.state !== "unacked") continue;
      held.state = "acking";
      if (await this.#ack(held.job)) this.#completed++;
      else held.state = "unacked";
    }
    const ids = [...this.#held.keys()];
    if (ids.length === 0) return;
    let lost: string[];
    try {
      lost = await this.#redis.touch(ids);
    } catch {
      return; // the read loop reports the outage
    }
    for (const id of lost) {
      const held = this.#held.get(id);
      if (!held) continue;
      this.#log.warn("another worker took over a job this worker still held", jobFields(held.job, this.#name));
      if (held.state === "waiting") {
        clearTimeout(held.timer);
        this.#held.delete(id);
      }
    }
  }

  /**
   * The blocking XREADGROUP gets a connection of its own, to the server that holds the stream
   * (on a cluster, the master of its slot; a read sent elsewhere is answered MOVED; behind
   * Sentinel, the current master, found again by that connection's own Sentinel client).
   */
  async #openReader(): Promise<RedisClientType> {
    if (this.#reader) return this.#reader;
    // The name shows the reader in CLIENT LIST; node-redis sends it again on every reconnect.
    const { client: reader, via } = await this.#store.blockingClientFor(
      this.streamKey,
      `daybook-queue-reader:${this.consumer}`,
    );
    // node-redis emits "error" on connection loss; without a listener Node would crash. The
    // read loop reports the outage itself, once.
    reader.on("error", () => {});
    // A reconnected socket is a new Redis client with a new id (CLIENT UNBLOCK needs it);
    // behind Sentinel a failover moves the reader to another server, also with a new id.
    const forgetId = () => {
      this.#readerId = undefined;
    };
    reader.on("ready", forgetId);
    (reader as unknown as { on(event: string, fn: () => void): void }).on("topology-change", forgetId);
    this.#reader = reader;
    this.#readerNode = via;
    return reader;
  }

  /** After a failover or resharding the stream's slot lives elsewhere: read from the new owner. */
  #dropReader(): void {
    const reader = this.#reader;
    this.#reader = undefined;
    this.#readerNode = undefined;
    this.#readerId = undefined;
    if (reader?.isOpen) reader.destroy();
  }

  async #unblockReader(): Promise<void> {
    const id = this.#readerId;
    const node = this.#readerNode;
    if (id === undefined || node === undefined) return;
    // CLIENT UNBLOCK names a connection of one server: it must go to the reader's server.
    await this.#redis.unblock(id, node).catch(() => {});
  }
}

/** A stream entry id is `<ms>-<seq>`, ms being Redis's clock when the entry was added. */
function idTime(id: string): number {
  return Number(id.slice(0, id.indexOf("-")));
}
