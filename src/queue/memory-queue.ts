import { LRUCache } from "lru-cache";
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

export interface MemoryQueueOptions extends QueueOptions {
  clock?: Clock;
  logger?: Logger;
}

/**
 * The work queue without Redis: bounded, in this process only (`durable = false`), with the
 * semantics of RedisStreamQueue: concurrency, `full` at maxDepth, idempotency keys held while
 * queued or running (and `rememberMs` after, up to 50,000 keys), retries up to maxDeliveries, then onGiveUp.
 */
export class MemoryQueue implements WorkQueue {
  readonly durable = false;

  readonly #name: string;
  readonly #maxDepth: number;
  readonly #maxDeliveries: number;
  readonly #retryDelayMs: number;
  readonly #clock: Clock;
  readonly #log: Logger;

  #worker: WorkerOptions | undefined;
  /** Jobs not yet started; retries go first, since they have waited already. */
  readonly #waiting: Job[] = [];
  readonly #running = new Set<string>();
  /** Failed jobs waiting for their retry delay. */
  readonly #retrying = new Map<string, { job: Job; timer: NodeJS.Timeout | undefined }>();
  readonly #keys = new Set<string>();
  /** Keys of finished jobs enqueued with `rememberMs`, each for that long. */
  readonly #remembered: LRUCache<string, true>;
  readonly #changed = new Signal();
  #seq = 0;
  #completed = 0;
  #stopping = false;
  #closed = false;
  #stopResult: Promise<StopResult> | undefined;

  constructor(options: MemoryQueueOptions) {
    this.#name = options.name;
    this.#maxDepth = options.maxDepth;
    this.#maxDeliveries = options.maxDeliveries ?? defaultMaxDeliveries;
    this.#retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
    this.#clock = options.clock ?? systemClock;
    this.#log = (options.logger ?? silentLogger).child({ queue: options.name });
    const clock = this.#clock;
    this.#remembered = new LRUCache<string, true>({ max: 50_000, perf: { now: () => clock.now() } });
  }

  get #depth(): number {
    return this.#waiting.length + this.#running.size + this.#retrying.size;
  }

  async enqueue(input: JobInput): Promise<EnqueueResult> {
    // Through JSON like the durable queue, so a handler never shares objects with its caller.
    const copy = parseInput(serialiseInput(input))!;
    if (this.#closed) throw new DaybookError("store_unavailable", `work queue ${this.#name} is stopped`);
    if (copy.key !== undefined && (this.#keys.has(copy.key) || this.#remembered.has(copy.key))) {
      return { status: "duplicate" };
    }
    const depth = this.#depth;
    if (depth >= this.#maxDepth) return { status: "full", depth };
    this.#seq += 1;
    const id = `${this.#clock.now()}-${this.#seq}`;
    if (copy.key !== undefined) this.#keys.add(copy.key);
    this.#waiting.push({ ...copy, id, enqueuedAt: this.#clock.now(), deliveries: 1 });
    this.#pump();
    return { status: "queued", id, depth: depth + 1 };
  }

  startWorkers(options: WorkerOptions): void {
    if (this.#worker) throw new DaybookError("internal", `workers of ${this.#name} already started`);
    if (!(options.concurrency >= 1)) throw new DaybookError("config_invalid", "work queue concurrency must be >= 1");
    this.#worker = options;
    this.#pump();
  }

  async stats(): Promise<QueueStats> {
    let oldest = Number.POSITIVE_INFINITY;
    for (const job of this.#waiting) oldest = Math.min(oldest, job.enqueuedAt);
    for (const { job } of this.#retrying.values()) oldest = Math.min(oldest, job.enqueuedAt);
    // Running ids start with their enqueue time (see enqueue).
    for (const id of this.#running) oldest = Math.min(oldest, Number(id.split("-")[0]));
    return {
      waiting: this.#waiting.length,
      // Like the stream's pending list: delivered and not yet acknowledged, retries included.
      running: this.#running.size + this.#retrying.size,
      oldestAgeMs: Number.isFinite(oldest) ? Math.max(0, this.#clock.now() - oldest) : undefined,
    };
  }

  stop(timeoutMs: number): Promise<StopResult> {
    this.#stopResult ??= this.#stop(timeoutMs);
    return this.#stopResult;
  }

  async #stop(timeoutMs: number): Promise<StopResult> {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    const completedBefore = this.#completed;
    this.#stopping = true;
    for (const r of this.#retrying.values()) clearTimeout(r.timer);
    await waitUntil(() => this.#running.size === 0, deadline, this.#changed);
    this.#closed = true;
    const handedBack = this.#running.size + this.#retrying.size;
    const lost = this.#waiting.length + handedBack;
    if (lost > 0) {
      this.#log.warn("in-memory work queue stopped with unfinished jobs; they are lost", {
        handedBack,
        waiting: this.#waiting.length,
      });
    }
    return { finished: this.#completed - completedBefore, handedBack };
  }

  #pump(): void {
    const worker = this.#worker;
    if (!worker || this.#stopping) return;
    while (this.#running.size < worker.concurrency && this.#waiting.length > 0) {
      const job = this.#waiting.shift()!;
      this.#running.add(job.id);
      void this.#execute(worker, job);
    }
  }

  async #execute(worker: WorkerOptions, job: Job): Promise<void> {
    const failure = await runHandler(worker.handlers, job);
    if (this.#closed) return; // handed back at stop
    if (failure === null) {
      this.#done(job);
    } else if (job.deliveries >= this.#maxDeliveries) {
      this.#log.error("job given up", { ...jobFields(job, this.#name), error: failure.error });
      try {
        await worker.onGiveUp?.(job, failure.error);
      } catch (error) {
        this.#log.error("onGiveUp failed", { ...jobFields(job, this.#name), error });
      }
      this.#done(job);
    } else if (this.#stopping) {
      this.#retrying.set(job.id, { job, timer: undefined });
    } else {
      this.#log.warn("job failed; will retry", { ...jobFields(job, this.#name), error: failure.error });
      const timer = setTimeout(
        () => {
          this.#retrying.delete(job.id);
          this.#waiting.unshift({ ...job, deliveries: job.deliveries + 1 });
          this.#pump();
        },
        retryDelay(this.#retryDelayMs, job.deliveries),
      );
      timer.unref();
      this.#retrying.set(job.id, { job, timer });
    }
    this.#running.delete(job.id);
    this.#changed.notify();
    this.#pump();
  }

  #done(job: Job): void {
    if (job.key !== undefined) {
      this.#keys.delete(job.key);
      if (job.rememberMs) this.#remembered.set(job.key, true, { ttl: job.rememberMs });
    }
    this.#completed++;
  }
}
