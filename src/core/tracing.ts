/**
 * OpenTelemetry spans (issue 15, item 3; docs/tracing.md). Code uses only `@opentelemetry/api`:
 * with no SDK registered every call here is a no-op (the API's non-recording spans), and the SDK
 * with its OTLP exporter is imported at composition only when OTEL_EXPORTER_OTLP_ENDPOINT is set
 * (src/compose/tracing.ts).
 *
 * Spans carry bounded, log-safe attributes only (route patterns, tool and system names, error
 * codes): never message text, arguments, tokens or an exception's message, which may quote
 * the request. An error is recorded as its DaybookError code.
 */
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { isDaybookError } from "./errors.ts";

export { SpanKind } from "@opentelemetry/api";

/**
 * Asked for at each span, not once at import: the SDK is registered at composition, after this
 * module loaded, and may register through the API's other build (CommonJS beside ESM), whose
 * global provider a tracer taken from this build's proxy before registration would never see.
 */
const tracer = () => trace.getTracer("daybook");

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Parent context (a queued job's extracted one); the active context by default. */
  parent?: Context;
}

/**
 * Runs `fn` inside a new active span and ends it when `fn` settles. A throw marks the span as an
 * error with the error's code (`error.type`) and is rethrown.
 */
export function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const run = (span: Span): Promise<T> =>
    fn(span).then(
      (result) => {
        span.end();
        return result;
      },
      (error: unknown) => {
        markError(span, isDaybookError(error) ? error.code : "internal");
        span.end();
        throw error;
      },
    );
  const spanOptions = {
    ...(options.kind !== undefined ? { kind: options.kind } : {}),
    ...(options.attributes ? { attributes: options.attributes } : {}),
  };
  return options.parent
    ? tracer().startActiveSpan(name, spanOptions, options.parent, run)
    : tracer().startActiveSpan(name, spanOptions, run);
}

/**
 * A call to a chat platform (chat.postMessage, chat.update, a Bot Framework activity) as a
 * client span named `<platform> <operation>`.
 */
export function inPlatformSpan<T>(platform: string, operation: "post" | "update", call: () => Promise<T>): Promise<T> {
  return inSpan(
    `${platform} ${operation}`,
    { kind: SpanKind.CLIENT, attributes: { "daybook.platform": platform } },
    call,
  );
}

/** Marks a span failed with a daybook error code (no message: it may quote the request). */
export function markError(span: Span, code: string): void {
  span.setAttribute("error.type", code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/**
 * The active span's trace id (32 hex digits), or undefined when tracing is off. User-visible
 * trace ids (src/core/user-facing-error.ts) are this id when there is one, so the id a person
 * quotes finds the whole trace in the tracing backend and the log lines (`trace_id`).
 */
export function currentTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

/** `trace_id` and `span_id` of the active span for a log line (the logger's mixin); empty when off. */
export function traceLogFields(): Record<string, string> {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
}

/** W3C Trace Context headers (`traceparent`, `tracestate`) for the active span; empty when off. */
export function injectTraceContext(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * The context a carrier written by `injectTraceContext` (in another process, perhaps) continues.
 * Built on the root context, never the active one: a worker loop may run inside whatever
 * context started it, and a job must not become a child of an unrelated request.
 */
export function extractTraceContext(carrier: unknown): Context {
  const headers: Record<string, string> = {};
  if (typeof carrier === "object" && carrier !== null) {
    for (const [k, v] of Object.entries(carrier)) if (typeof v === "string") headers[k] = v;
  }
  return propagation.extract(ROOT_CONTEXT, headers);
}
