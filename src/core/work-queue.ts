/**
 * The intake and work queue (ARCHITECTURE.md, decision 7): adapters verify, deduplicate and
 * enqueue, then answer the platform; workers run jobs with bounded concurrency and
 * acknowledge an entry only after its work is done, so a process that dies mid-job has it
 * finished by another. Implemented by a Redis Stream with a consumer group
 * (src/queue/redis-stream-queue.ts) and, without Redis, by a bounded in-memory queue with the
 * same interface (src/queue/memory-queue.ts). Both pass test/work-queue-contract.ts.
 */

/** JSON-serialisable: a job is written to Redis and read back by another process. */
export type JobPayload = Record<string, unknown>;

export interface JobInput {
  /** Which handler runs it ("turn", "approval", "digest"). */
  kind: string;
  payload: JobPayload;
  /**
   * Idempotency key: while a job with this key is queued or running, enqueueing another
   * with the same key is a no-op answered `duplicate` (the approvals sweep re-enqueues by
   * approval id; a Slack retry re-enqueues by event id).
   */
  key?: string;
  /**
   * With `key`: after the job is acknowledged (done or given up) the key keeps answering
   * `duplicate` for this long, ms. A platform's redelivery of a message that was already
   * answered (Slack retries for up to ~5 minutes) is then not queued again; the check and the
   * enqueue are one atomic step, so no separate dedup mark can get ahead of the hand-off.
   * Default: the key is freed at the acknowledgement (the approvals sweep re-enqueues by id).
   */
  rememberMs?: number;
  /**
   * Queued instead on this queue's overflow queue when this one is full (a refused turn's busy
   * notice on the notices queue), in the same atomic step where the queue can: the Redis
   * Stream queue then makes one round trip for both. The result is `full` with `overflow`
   * saying what became of it; without `overflow` in the result nothing was tried, and the
   * caller queues it (or tells the user) itself.
   */
  overflow?: JobInput;
}

export interface Job extends JobInput {
  /** Queue-assigned id (the stream entry id for Redis). */
  id: string;
  enqueuedAt: number;
  /** 1 on first delivery; more after a reclaim from a dead worker or a failed attempt. */
  deliveries: number;
}

export type EnqueueResult =
  | { status: "queued"; id: string; depth: number }
  | { status: "duplicate" }
  /** Over the configured bound: nothing was queued; the caller tells the user. */
  | { status: "full"; depth: number; overflow?: EnqueueResult };

/**
 * Runs one job. Resolving acknowledges it; throwing leaves it for another delivery until
 * `maxDeliveries`, after which it is dropped with `onGiveUp`.
 */
export type JobHandler = (job: Job) => Promise<void>;

export interface QueueStats {
  /** Entries waiting (not yet delivered to a worker). */
  waiting: number;
  /** Entries delivered and not yet acknowledged (running, waiting for a retry, or held by a dead worker). */
  running: number;
  /** Age of the oldest entry not yet acknowledged, ms; undefined when empty. */
  oldestAgeMs: number | undefined;
}

export interface WorkerOptions {
  handlers: Record<string, JobHandler>;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** Called once when a job is dropped after its last failed delivery (tell the user, log it). */
  onGiveUp?: (job: Job, error: unknown) => Promise<void>;
}

export interface StopResult {
  /** Jobs that finished during the stop window. */
  finished: number;
  /**
   * Jobs still running (or waiting for a retry) at the deadline: left unacknowledged, so
   * another worker reclaims them.
   */
  handedBack: number;
}

export interface WorkQueue {
  /** True when entries survive this process (Redis Stream). */
  readonly durable: boolean;
  enqueue(job: JobInput): Promise<EnqueueResult>;
  /** Starts taking jobs in this process (the worker role). Call at most once. */
  startWorkers(options: WorkerOptions): void;
  /**
   * Stops taking jobs and waits up to `timeoutMs` for running ones. Unfinished jobs are not
   * acknowledged (durable queue: another worker reclaims them; memory queue: they are lost,
   * and `handedBack` counts them).
   */
  stop(timeoutMs: number): Promise<StopResult>;
  stats(): Promise<QueueStats>;
}
