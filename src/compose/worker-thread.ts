import { Worker } from "node:worker_threads";
import { DaybookError, type ErrorCode } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { MetricsSnapshot } from "../core/metrics.ts";
import type { FromWorkerThread, ToWorkerThread } from "./worker-thread-protocol.ts";

/**
 * `DAYBOOK_ROLE=all` with Redis runs as two threads of one process: this one takes HTTP and
 * Socket Mode traffic (the web role) and a worker thread (worker-thread-main.ts) runs the
 * queued turns, approved calls and digests (the worker role), talking only through the Redis
 * streams, exactly as two processes would. A CPU-bound turn (the offline model, a large close
 * check) then never delays an ack: Slack's 3 s deadline is met by an event loop that only
 * verifies, queues and answers 200 (https://api.slack.com/apis/events-api#responding).
 * Without Redis there is no shared queue, so the memory queue runs in one thread.
 */
export interface WorkerThread {
  /** The worker thread's metrics, for the web thread's /metrics (empty if it does not answer). */
  metrics(): Promise<MetricsSnapshot>;
  /** Stops its intake and lets running jobs finish within `timeoutMs`; the rest are handed back. */
  stop(timeoutMs: number): Promise<{ finished: number; handedBack: number }>;
  /** Called once if the thread ends while not asked to stop (a crash). */
  onCrash(listener: (error: Error) => void): void;
}

export async function startWorkerThread(logger: () => Logger): Promise<WorkerThread> {
  const worker = new Worker(new URL("./worker-thread-main.ts", import.meta.url), { name: "daybook-worker" });
  let stopping = false;
  let crashListener: ((error: Error) => void) | undefined;
  let seq = 0;
  const pendingMetrics = new Map<number, (m: MetricsSnapshot) => void>();
  let stopped: ((r: { finished: number; handedBack: number }) => void) | undefined;

  const ready = new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    worker.once("error", fail);
    worker.once("exit", (code) => fail(new Error(`the worker thread exited with code ${code} while starting`)));
    worker.on("message", function first(message: FromWorkerThread) {
      if (message.type === "ready") {
        worker.off("message", first);
        worker.off("error", fail);
        resolve();
      } else if (message.type === "failed") {
        reject(new DaybookError((message.code as ErrorCode | undefined) ?? "internal", message.message));
      }
    });
  });
  await ready;

  worker.on("message", (message: FromWorkerThread) => {
    if (message.type === "metrics") {
      pendingMetrics.get(message.id)?.(message.metrics);
      pendingMetrics.delete(message.id);
    } else if (message.type === "stopped") {
      stopped?.({ finished: message.finished, handedBack: message.handedBack });
    }
  });
  const crashed = (error: Error) => {
    if (stopping) return;
    logger().error("the worker thread stopped unexpectedly", { error });
    crashListener?.(error);
    crashListener = undefined;
  };
  worker.on("error", crashed);
  worker.on("exit", (code) => crashed(new Error(`the worker thread exited with code ${code}`)));
  const post = (message: ToWorkerThread) => worker.postMessage(message);

  return {
    metrics() {
      const id = ++seq;
      return new Promise<MetricsSnapshot>((resolve) => {
        const timer = setTimeout(() => {
          pendingMetrics.delete(id);
          resolve([]);
        }, 2_000);
        pendingMetrics.set(id, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        post({ type: "metrics", id });
      });
    },
    async stop(timeoutMs) {
      stopping = true;
      const result = new Promise<{ finished: number; handedBack: number }>((resolve) => {
        stopped = resolve;
        worker.once("exit", () => resolve({ finished: 0, handedBack: 0 }));
      });
      post({ type: "stop", timeoutMs });
      // The thread's own deadline is timeoutMs plus its in-flight drain; past that, end it.
      const hardStop = setTimeout(() => void worker.terminate(), timeoutMs + 10_000);
      try {
        return await result;
      } finally {
        clearTimeout(hardStop);
        await worker.terminate();
      }
    },
    onCrash(listener) {
      crashListener = listener;
    },
  };
}
