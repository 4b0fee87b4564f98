/**
 * The one place an error becomes what a person reads and what an operator reads.
 *
 * - A person gets `userMessage` (DaybookError's chat-safe sentence, or a generic one for
 *   anything else) and a trace id, never a stack, a library class name or a file path.
 * - An operator gets exactly one log line per error: at error with its stack for anything
 *   unexpected (not a DaybookError, or one coded `internal`/`config_invalid`), at warn for a
 *   connected system or the store failing, at info for the request's own fault (not found,
 *   forbidden, bad arguments…), whose message often echoes what was asked and is left out.
 * - A model (LangChain tool results) gets a short coded sentence it can relay or act on.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { type DaybookError, type ErrorCode, isDaybookError, toDaybookError } from "./errors.ts";
import { createLogger, type Logger } from "./logger.ts";
import { currentTraceId } from "./tracing.ts";

/**
 * The id a person is shown with an error and that every log line of the turn carries: the
 * OpenTelemetry trace id when tracing is on (so it finds the trace too), else a short random one.
 */
export function newTraceId(): string {
  return currentTraceId() ?? randomUUID().slice(0, 8);
}

export type ErrorSeverity = "error" | "warn" | "info";

/** Codes that say the request or the world was wrong, not daybook: logged at info. */
const requestCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "payload_too_large",
  "approval_expired",
  "approval_decided",
  "approval_not_allowed",
  "unknown_action",
]);

/** Codes for a dependency failing (rate limits, timeouts, outages): logged at warn. */
const dependencyCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "rate_limited",
  "timeout",
  "upstream_error",
  "upstream_unavailable",
  "store_unavailable",
  "model_error",
  // A turn stopped at its tool-call budget: not a fault, but an operator tunes the limit from it.
  "limit_exceeded",
]);

export function severityOf(error: unknown): ErrorSeverity {
  if (!isDaybookError(error) || isWrapped(error)) return "error";
  if (requestCodes.has(error.code)) return "info";
  if (dependencyCodes.has(error.code)) return "warn";
  return "error";
}

export interface UserFacingError {
  code: ErrorCode;
  /** The sentence for the person: DaybookError.userMessage, never the raw message. */
  text: string;
  traceId: string;
  severity: ErrorSeverity;
}

/** What the person is told about `error`; nothing is logged. */
export function userFacing(error: unknown, traceId: string = newTraceId()): UserFacingError {
  const err = toDaybookError(error);
  return { code: err.code, text: err.userMessage, traceId, severity: severityOf(error) };
}

/**
 * The sentence with the trace id, for notices that have no context line. A refusal of the
 * request itself (not found, forbidden) needs no trace to be understood or reported; a fault
 * or an outage does, so support can find its log line.
 */
export function withTrace(f: Pick<UserFacingError, "text" | "traceId" | "severity">): string {
  return f.severity === "info" ? f.text : `${f.text} (trace ${f.traceId})`;
}

export interface ReportContext {
  /** The log line's message, e.g. "turn failed". */
  msg: string;
  /** Which part of daybook saw the error: "bot", "clicks", "agent", "tool", "approvals"… */
  component?: string;
  /** The turn's trace id; a new one is made when absent (and returned, for the reply). */
  traceId?: string;
  /** Extra log-safe fields (ids, counts; never message text or button values). */
  fields?: Record<string, unknown>;
}

/** Errors already logged, so an error passed up through several catch blocks is logged once. */
const reported = new WeakSet<object>();

/**
 * Logs `error` once at the level its kind deserves and returns what the person is told.
 * An error object reported before (by a tool, then by the turn) is not logged again.
 */
export function reportError(log: Logger, error: unknown, ctx: ReportContext): UserFacingError {
  const scope = currentErrorScope();
  const traceId = ctx.traceId ?? scope?.traceId ?? newTraceId();
  const facing = userFacing(error, traceId);
  const original = rootOf(error);
  if (isObject(error) && reported.has(error)) return facing;
  if (isObject(original) && reported.has(original)) return facing;
  if (isObject(error)) reported.add(error);
  if (isObject(original)) reported.add(original);
  const component = ctx.component ?? scope?.component;
  const fields: Record<string, unknown> = {
    traceId,
    ...(component ? { component } : {}),
    code: facing.code,
    ...ctx.fields,
  };
  if (facing.severity === "error") {
    // The stack of what actually failed: toDaybookError wraps, the cause is the fault.
    log.error(ctx.msg, { ...fields, error: original ?? error });
  } else if (facing.severity === "warn") {
    const err = error as DaybookError;
    log.warn(ctx.msg, { ...fields, reason: err.message });
  } else {
    log.info(ctx.msg, fields);
  }
  return facing;
}

/**
 * A DaybookError made by toDaybookError around a foreign error (same message, whatever code
 * the edge chose) is that foreign error: unexpected, and its stack is the one to log. Errors a
 * connector raises on purpose carry their own message and stay expected.
 */
function isWrapped(error: DaybookError): boolean {
  const cause = error.cause;
  return cause instanceof Error && !isDaybookError(cause) && cause.message === error.message;
}

function rootOf(error: unknown): unknown {
  if (isDaybookError(error) && (isWrapped(error) || (error.code === "internal" && error.cause !== undefined)))
    return error.cause;
  return error;
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

/**
 * A tool result for the model when a tool failed: a short coded sentence, the same
 * `{ error, code }` shape runTool returns, so the model (and the offline renderer) can relay it.
 */
export function toolErrorResult(facing: Pick<UserFacingError, "text" | "code">): string {
  return JSON.stringify({ error: facing.text, code: facing.code });
}

/**
 * Who is asking, for code that cannot be handed a logger: a LangChain tool body runs inside
 * the agent's invoke, so the agent sets the scope around it and runTool logs into the turn's
 * logger with its trace id (AsyncLocalStorage follows the awaits in between).
 */
export interface ErrorScope {
  log: Logger;
  traceId: string;
  component?: string;
}

const scopes = new AsyncLocalStorage<ErrorScope>();

export function withErrorScope<T>(scope: ErrorScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

export function currentErrorScope(): ErrorScope | undefined {
  return scopes.getStore();
}

let fallback: Logger | undefined;

/** The scope's logger, or a stderr logger for code run outside any turn (scripts, direct tool calls). */
export function scopeLogger(): Logger {
  const scope = currentErrorScope();
  if (scope) return scope.log;
  fallback ??= createLogger({ level: "warn", base: { component: "unscoped" } });
  return fallback;
}
