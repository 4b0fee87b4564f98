import type { Approvals } from "../approvals/approvals.ts";
import { startApprovalSweep } from "../approvals/sweep.ts";
import { createIntake, NOTICE_JOB } from "../bot/intake.ts";
import { createNoticeWorker, createTurnWorker } from "../bot/turn-worker.ts";
import type { Env } from "../config/env.ts";
import type { DigestName } from "../config/org.ts";
import type { ChatAdapter, MessageHandler } from "../core/chat.ts";
import type { Clock } from "../core/clock.ts";
import { DaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { Store } from "../core/store.ts";
import type { Platform } from "../core/thread.ts";
import type { JobHandler, StopResult, WorkQueue } from "../core/work-queue.ts";
import { createQueue } from "../queue/create-queue.ts";
import { MemoryQueue } from "../queue/memory-queue.ts";
import { createRateLimiter } from "../queue/rate-limit.ts";
import { tracedQueue } from "../queue/traced-queue.ts";

export type Role = "all" | "web" | "worker";

export const APPROVAL_JOB = "approval";
export const DIGEST_JOB = "digest";

export interface WorkDeps {
  env: Env;
  role: Role;
  store: Store;
  clock: Clock;
  logger: Logger;
  track: (work: Promise<unknown>) => void;
}

/** Approved calls and digest runs: few, and never stuck behind a burst of questions. */
const actionConcurrency = 2;
const actionMaxDepth = 10_000;
/** Busy notices: one short post each, never behind the turns they were refused by. */
const noticeConcurrency = 4;
const noticeMaxDepth = 10_000;

/**
 * The queues of one process (ARCHITECTURE.md, decision 7): `turns` for questions, `actions`
 * for approved calls and digest runs, `notices` for busy notices (so the web role makes no
 * Web API call for them), each a Redis Stream with Redis and a bounded memory queue without
 * it, plus an in-memory fallback for turns while Redis is unreachable.
 */
export class Work {
  readonly turns: WorkQueue;
  readonly actions: WorkQueue;
  readonly notices: WorkQueue;
  readonly #fallback: WorkQueue;
  readonly #d: WorkDeps;
  #sweep: { stop(): Promise<void> } | undefined;
  #started = false;

  constructor(deps: WorkDeps) {
    const { env, store, clock, logger } = deps;
    if (deps.role !== "all" && !env.REDIS_URL) {
      throw new DaybookError(
        "config_invalid",
        `DAYBOOK_ROLE=${deps.role} needs a shared queue, but REDIS_URL is not set. Fix: set REDIS_URL for every replica, or use DAYBOOK_ROLE=all.`,
      );
    }
    this.#d = deps;
    const notices = createQueue(store, { name: "notices", maxDepth: noticeMaxDepth, logger, clock });
    // Each job continues the trace of what queued it (docs/tracing.md). A turn refused as over
    // the bound has its busy notice queued in the same round trip (RedisStreamQueue overflow).
    this.turns = tracedQueue(
      createQueue(store, { name: "turns", maxDepth: env.QUEUE_MAX_DEPTH, overflow: notices, logger, clock }),
      "turns",
    );
    this.actions = tracedQueue(
      createQueue(store, { name: "actions", maxDepth: actionMaxDepth, logger, clock }),
      "actions",
    );
    this.notices = tracedQueue(notices, "notices");
    this.#fallback = tracedQueue(new MemoryQueue({ name: "turns-fallback", maxDepth: env.QUEUE_MAX_DEPTH }), "turns");
  }

  get runsWorkers(): boolean {
    return this.#d.role !== "web";
  }

  /** The adapters' message handler: the turns queue (one round trip); `handle` answers inline-only turns. */
  intake(handle: MessageHandler): MessageHandler {
    return createIntake({
      queue: this.turns,
      fallback: this.#fallback,
      notices: this.notices,
      handle,
      logger: this.#d.logger,
      track: this.#d.track,
    });
  }

  /** Hands an approved call to a worker; the approval id is the idempotency key. */
  dispatchApproval = async (approvalId: string): Promise<void> => {
    const result = await this.actions.enqueue({
      kind: APPROVAL_JOB,
      key: `approval:${approvalId}`,
      payload: { approvalId },
    });
    if (result.status === "full") throw new DaybookError("rate_limited", "the actions queue is full");
  };

  /** Hands a scheduled digest firing to a worker; one job per digest and slot. */
  dispatchDigest = async (name: DigestName, slot: number): Promise<void> => {
    const result = await this.actions.enqueue({
      kind: DIGEST_JOB,
      key: `digest:${name}:${slot}`,
      payload: { name, slot },
    });
    if (result.status === "full") throw new DaybookError("rate_limited", "the actions queue is full");
  };

  /** Starts this process's workers (not in the web role) and the approvals sweep. */
  start(deps: {
    adapters: Partial<Record<Platform, ChatAdapter>>;
    handle: MessageHandler;
    approvals: Approvals;
    fireDigest: (name: DigestName, slot: number) => Promise<unknown>;
  }): void {
    if (!this.runsWorkers || this.#started) return;
    this.#started = true;
    const { env, store, logger, clock } = this.#d;
    // Limits are the worker's: checked when a turn is taken, so the ack path never waits on them.
    const limiter = (points: number, keyPrefix: string) =>
      points > 0 ? createRateLimiter({ store, points, durationSec: 60, keyPrefix }) : undefined;
    const turn = createTurnWorker({
      adapters: deps.adapters,
      handle: deps.handle,
      store,
      logger,
      perUser: limiter(env.USER_TURNS_PER_MINUTE, "limit:user"),
      perChannel: limiter(env.CHANNEL_TURNS_PER_MINUTE, "limit:channel"),
    });
    const onGiveUp = async (job: { id: string; kind: string }, error: unknown) => {
      logger.error("queued job dropped after its last attempt", {
        jobId: job.id,
        kind: job.kind,
        code: error instanceof DaybookError ? error.code : "internal",
      });
    };
    this.turns.startWorkers({ handlers: { turn }, concurrency: env.TURN_CONCURRENCY, onGiveUp });
    this.#fallback.startWorkers({ handlers: { turn }, concurrency: env.TURN_CONCURRENCY, onGiveUp });
    const actions: Record<string, JobHandler> = {
      [APPROVAL_JOB]: async (job) => {
        await deps.approvals.runApproved(String(job.payload.approvalId));
      },
      [DIGEST_JOB]: async (job) => {
        await deps.fireDigest(job.payload.name as DigestName, Number(job.payload.slot));
      },
    };
    this.actions.startWorkers({ handlers: actions, concurrency: actionConcurrency, onGiveUp });
    this.notices.startWorkers({
      handlers: { [NOTICE_JOB]: createNoticeWorker({ adapters: deps.adapters, store, logger }) },
      concurrency: noticeConcurrency,
      onGiveUp,
    });
    this.#sweep = startApprovalSweep({ sweep: (graceMs) => deps.approvals.sweep(graceMs), store, clock, logger });
  }

  /**
   * Stops taking jobs and waits up to `timeoutMs` for running ones; what is still running at
   * the deadline stays in the stream for another worker (approved calls included).
   */
  async stop(timeoutMs: number): Promise<StopResult> {
    await this.#sweep?.stop();
    const results = await Promise.all([
      this.turns.stop(timeoutMs),
      this.actions.stop(timeoutMs),
      this.notices.stop(timeoutMs),
      this.#fallback.stop(timeoutMs),
    ]);
    return results.reduce(
      (sum, r) => ({ finished: sum.finished + r.finished, handedBack: sum.handedBack + r.handedBack }),
      { finished: 0, handedBack: 0 },
    );
  }
}
