import { extractTraceContext, injectTraceContext, inSpan, SpanKind } from "../core/tracing.ts";
import type { JobHandler, WorkQueue } from "../core/work-queue.ts";

/**
 * Where a job carries its W3C Trace Context (`traceparent`, `tracestate`) through the queue:
 * in its payload, which both queues store as JSON, so a job taken by another replica (or
 * reclaimed from a dead worker) continues the trace of the request that queued it.
 */
export const TRACE_CONTEXT_KEY = "traceContext";

/**
 * A work queue whose enqueue is a producer span (`<queue> send`) and each job run a consumer
 * span (`<queue> process`) continuing the enqueuer's trace, parent to child
 * (https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/). With tracing off
 * nothing is added to the payload.
 */
export function tracedQueue(queue: WorkQueue, name: string): WorkQueue {
  const attributes = { "messaging.system": queue.durable ? "redis" : "memory", "messaging.destination.name": name };
  const traced = (kind: string, handler: JobHandler): JobHandler => {
    return (job) =>
      inSpan(
        `${name} process`,
        {
          kind: SpanKind.CONSUMER,
          parent: extractTraceContext(job.payload[TRACE_CONTEXT_KEY]),
          attributes: { ...attributes, "daybook.job.kind": kind, "daybook.job.deliveries": job.deliveries },
        },
        () => handler(job),
      );
  };
  return {
    durable: queue.durable,
    enqueue: (job) =>
      inSpan(
        `${name} send`,
        { kind: SpanKind.PRODUCER, attributes: { ...attributes, "daybook.job.kind": job.kind } },
        async (span) => {
          const carrier = injectTraceContext();
          const payload =
            Object.keys(carrier).length > 0 ? { ...job.payload, [TRACE_CONTEXT_KEY]: carrier } : job.payload;
          const result = await queue.enqueue({ ...job, payload });
          span.setAttribute("daybook.enqueue.status", result.status);
          return result;
        },
      ),
    startWorkers: (options) =>
      queue.startWorkers({
        ...options,
        handlers: Object.fromEntries(Object.entries(options.handlers).map(([kind, h]) => [kind, traced(kind, h)])),
      }),
    stop: (timeoutMs) => queue.stop(timeoutMs),
    stats: () => queue.stats(),
  };
}
