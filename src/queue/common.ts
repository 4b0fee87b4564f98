import { DaybookError } from "../core/errors.ts";
import type { Job, JobHandler, JobInput, JobPayload } from "../core/work-queue.ts";

/** Options both queue implementations understand (src/queue/create-queue.ts passes them through). */
export interface QueueOptions {
  /** Queue name ("turns"): the Redis stream key is `<prefix>queue:<name>`. */
  name: string;
  /** Most entries queued or running at once; enqueue answers `full` at this depth. */
  maxDepth: number;
  /** Deliveries of one job before it is dropped with `onGiveUp` (default 3). */
  maxDeliveries?: number;
  /** Wait before re-delivering a failed job, doubled per attempt, at most 60 s (default 1000). */
  retryDelayMs?: number;
}

export const defaultMaxDeliveries = 3;
export const defaultRetryDelayMs = 1_000;

export function retryDelay(baseMs: number, deliveries: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, deliveries - 1), 60_000);
}

/**
 * A job's payload crosses a process boundary in the durable queue, so both queues hand the
 * handler a JSON copy: a payload that would not survive Redis fails at enqueue in both.
 */
export function serialiseInput(input: JobInput): string {
  if (typeof input.kind !== "string" || input.kind === "") {
    throw new DaybookError("bad_request", "a job needs a kind");
  }
  let text: string | undefined;
  try {
    text = JSON.stringify({ kind: input.kind, payload: input.payload, key: input.key, rememberMs: input.rememberMs });
  } catch (error) {
    throw new DaybookError("bad_request", `job payload is not JSON-serialisable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return text;
}

/** Reads a job written by `serialiseInput`; undefined for anything else (a poison entry). */
export function parseInput(text: string | undefined): JobInput | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  const { kind, payload, key, rememberMs } = value as Record<string, unknown>;
  if (typeof kind !== "string" || kind === "") return undefined;
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return undefined;
  if (key !== undefined && typeof key !== "string") return undefined;
  return {
    kind,
    payload: payload as JobPayload,
    ...(key === undefined ? {} : { key }),
    // A malformed hold time only loses the hold, not the job.
    ...(typeof rememberMs === "number" && rememberMs > 0 ? { rememberMs: Math.floor(rememberMs) } : {}),
  };
}

/** Runs the handler for the job's kind; a missing handler is a failed attempt like any other. */
export async function runHandler(handlers: Record<string, JobHandler>, job: Job): Promise<{ error: unknown } | null> {
  const handler = handlers[job.kind];
  try {
    if (!handler) throw new DaybookError("internal", `no handler for job kind "${job.kind}"`);
    await handler(job);
    return null;
  } catch (error) {
    return { error };
  }
}

/** Fields safe to log about a job: never its payload (message bodies). */
export function jobFields(job: Job, queue: string): Record<string, unknown> {
  return { queue, jobId: job.id, kind: job.kind, deliveries: job.deliveries };
}

/** A level-triggered wake-up: `wait` resolves on the next `notify` or after `ms`. */
export class Signal {
  #waiters: (() => void)[] = [];

  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      const waiters = this.#waiters;
      function done() {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      waiters.push(done);
    });
  }
}

/** Waits until `done()` holds or the deadline passes, waking on `signal`. */
export async function waitUntil(done: () => boolean, deadline: number, signal: Signal): Promise<void> {
  while (!done()) {
    const left = deadline - Date.now();
    if (left <= 0) return;
    await signal.wait(Math.min(left, 100));
  }
}
