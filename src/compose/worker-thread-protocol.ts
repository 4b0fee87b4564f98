import type { MetricsSnapshot } from "../core/metrics.ts";

/** Messages between the web thread and the worker thread of `DAYBOOK_ROLE=all` (worker-thread.ts). */
export type ToWorkerThread = { type: "metrics"; id: number } | { type: "stop"; timeoutMs: number };

export type FromWorkerThread =
  | { type: "ready" }
  | { type: "metrics"; id: number; metrics: MetricsSnapshot }
  | { type: "stopped"; finished: number; handedBack: number }
  | { type: "failed"; message: string; code: string | undefined };
