/**
 * The one error type of daybook. Every failure that crosses a module boundary is a
 * DaybookError with a string code (bolt-js style), so callers branch on `code`, never on
 * message text. `userMessage` is the only text that may ever reach a chat channel.
 */
export type ErrorCode =
  | "config_invalid"
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "rate_limited"
  | "timeout"
  | "upstream_error"
  | "upstream_unavailable"
  | "store_unavailable"
  | "approval_expired"
  | "approval_decided"
  | "approval_not_allowed"
  | "unknown_action"
  | "limit_exceeded"
  | "model_error"
  | "internal";

const defaultUserMessages: Record<ErrorCode, string> = {
  config_invalid: "daybook is not configured correctly; an administrator needs to check its settings.",
  bad_request: "That request was not understood.",
  unauthorized: "That request could not be authenticated.",
  forbidden: "You are not allowed to do that.",
  not_found: "I could not find that.",
  conflict: "That was changed by someone else in the meantime.",
  payload_too_large: "That request is too large.",
  rate_limited: "The service is busy right now; please try again in a minute.",
  timeout: "That took too long; please try again.",
  upstream_error: "A connected system returned an error.",
  upstream_unavailable: "A connected system is unavailable right now; please try again later.",
  store_unavailable: "daybook's state store is unavailable right now.",
  approval_expired: "This approval has expired.",
  approval_decided: "This approval has already been decided.",
  approval_not_allowed: "You are not allowed to decide this approval.",
  unknown_action: "That action is not known.",
  limit_exceeded: "That request needed more work than one turn allows.",
  model_error: "The language model failed to answer; please try again.",
  internal: "Something went wrong on daybook's side.",
};

export interface DaybookErrorOptions {
  /** Text safe to show a chat user. Never include tokens, stack traces or raw payloads. */
  userMessage?: string;
  /** HTTP status to use when this error ends an HTTP request. */
  status?: number;
  cause?: unknown;
  /** Extra structured detail for logs only (must already be free of secrets). */
  details?: Record<string, unknown>;
}

export class DaybookError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: DaybookErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DaybookError";
    this.code = code;
    this.userMessage = options.userMessage ?? defaultUserMessages[code];
    this.status = options.status ?? defaultStatus(code);
    this.details = options.details;
  }
}

function defaultStatus(code: ErrorCode): number {
  switch (code) {
    case "bad_request":
    case "unknown_action":
      return 400;
    case "unauthorized":
      return 401;
    case "forbidden":
    case "approval_not_allowed":
      return 403;
    case "not_found":
      return 404;
    case "conflict":
    case "approval_decided":
    case "approval_expired":
      return 409;
    case "payload_too_large":
      return 413;
    case "rate_limited":
      return 429;
    case "upstream_error":
    case "upstream_unavailable":
    case "model_error":
      return 502;
    case "store_unavailable":
      return 503;
    case "timeout":
      return 504;
    default:
      return 500;
  }
}

export function isDaybookError(value: unknown): value is DaybookError {
  return value instanceof DaybookError;
}

/** Converts anything thrown into a DaybookError; use at the edges (HTTP, chat, cron). */
export function toDaybookError(error: unknown, fallback: ErrorCode = "internal"): DaybookError {
  if (error instanceof DaybookError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DaybookError(fallback, message, { cause: error });
}
