import { DaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { UpstreamObserver } from "../../src/core/metrics.ts";
import type { CallLimiter } from "./rate-limit.ts";

/** How hard a connector tries before telling the user a system is unavailable. */
export interface RetryPolicy {
  timeoutMs: number;
  /** Retries after the first attempt, for 429, 5xx, network errors and timeouts. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the user gets "try again later". */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  timeoutMs: 10_000,
  maxRetries: 3,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
};

/** What a failed call looked like on the wire, extracted from whatever the client library threw. */
export interface UpstreamFailure {
  status?: number;
  retryAfterMs?: number;
  timedOut?: boolean;
  network?: boolean;
}

export interface ResilienceOptions {
  /** Display name for messages: "Jira", "HubSpot", "Xero". */
  system: string;
  /** Env variable holding the credential, named in auth errors ("JIRA_API_TOKEN"). */
  credentialHint?: string;
  policy?: Partial<RetryPolicy>;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /**
   * The vendor account's shared limiter: every attempt (retries too) takes a slot, the timeout
   * starts when it runs, and a Retry-After pauses the whole account, not only this call.
   */
  limiter?: CallLimiter;
  upstream?: UpstreamObserver;
}

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Parses Retry-After: either delay-seconds or an HTTP-date
 * (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after).
 */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(Array.isArray(value) ? value[0] : value).trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function header(headers: unknown, name: string): unknown {
  if (!headers || typeof headers !== "object") return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : record[key];
}

/**
 * Reads status and Retry-After from the error shapes of the clients we use: axios
 * (jira.js, xero-node: error.response.status/headers), @hubspot/api-client ApiException
 * (error.code + error.headers), jira.js HttpException (error.status), fetch Response-like
 * objects, and Node network errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT).
 */
export function classifyHttpError(error: unknown, now = Date.now()): UpstreamFailure {
  if (!error || typeof error !== "object") return {};
  const e = error as Record<string, unknown>;
  if (e.name === "AbortError" || e.name === "TimeoutError" || e.code === "ECONNABORTED") return { timedOut: true };
  const response = e.response as Record<string, unknown> | undefined;
  const statusCandidates = [
    response?.status,
    response?.statusCode,
    e.status,
    e.statusCode,
    typeof e.code === "number" ? e.code : undefined,
  ];
  const status = statusCandidates.find((s): s is number => typeof s === "number" && s >= 100 && s < 600);
  const headers = response?.headers ?? e.headers;
  const retryAfterMs = parseRetryAfter(header(headers, "retry-after"), now);
  if (status !== undefined) return { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  const code = typeof e.code === "string" ? e.code : (e.cause as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EPIPE|UND_ERR)/.test(code)) {
    return { network: true };
  }
  if (typeof code === "string" && /TIMEDOUT|TIMEOUT/.test(code)) return { timedOut: true };
  if (e.cause && e.cause !== error) return classifyHttpError(e.cause, now);
  return {};
}

function retryable(f: UpstreamFailure): boolean {
  return f.timedOut === true || f.network === true || f.status === 429 || (f.status !== undefined && f.status >= 500);
}

function toUserError(
  system: string,
  operation: string,
  f: UpstreamFailure,
  attempts: number,
  hint?: string,
  cause?: unknown,
) {
  const detail = { system, operation, status: f.status, attempts };
  if (f.timedOut) {
    return new DaybookError("timeout", `${system} ${operation} timed out after ${attempts} attempt(s)`, {
      userMessage: `${system} did not answer in time; please try again in a minute.`,
      cause,
      details: detail,
    });
  }
  if (f.status === 429) {
    return new DaybookError("rate_limited", `${system} ${operation} rate limited after ${attempts} attempt(s)`, {
      userMessage: `${system} is rate-limiting daybook right now; please try again in a minute.`,
      cause,
      details: detail,
    });
  }
  if (f.status === 401 || f.status === 403) {
    return new DaybookError("upstream_error", `${system} ${operation} refused credentials (HTTP ${f.status})`, {
      userMessage: `${system} refused daybook's credentials; an administrator needs to check ${hint ?? "its access token"}.`,
      cause,
      details: detail,
    });
  }
  if (f.status === 404) {
    return new DaybookError("not_found", `${system} ${operation}: not found`, {
      userMessage: `${system} has no such item.`,
      cause,
      details: detail,
    });
  }
  if (f.status !== undefined && f.status >= 400 && f.status < 500) {
    return new DaybookError("upstream_error", `${system} ${operation} rejected the request (HTTP ${f.status})`, {
      userMessage: `${system} rejected the request (HTTP ${f.status}).`,
      cause,
      details: detail,
    });
  }
  const what = f.status !== undefined ? `HTTP ${f.status}` : f.network ? "no connection" : "an unexpected error";
  return new DaybookError(
    "upstream_unavailable",
    `${system} ${operation} failed with ${what} after ${attempts} attempt(s)`,
    {
      userMessage: `${system} is unavailable right now (${what} after ${attempts} attempt${attempts === 1 ? "" : "s"}); please try again later.`,
      cause,
      details: detail,
    },
  );
}

/**
 * Runs one upstream call with a timeout, bounded retries with exponential backoff and jitter,
 * honouring Retry-After on 429; every failure ends as a DaybookError a chat user can read.
 * `op` receives an AbortSignal; clients that cannot take one are still raced against the timer.
 */
export async function resilientCall<T>(
  operation: string,
  op: (signal: AbortSignal) => Promise<T>,
  options: ResilienceOptions,
  classify: (error: unknown) => UpstreamFailure = classifyHttpError,
): Promise<T> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const sleep = options.sleep ?? sleepReal;
  let attempt = 0;
  const attemptOnce = async (): Promise<T> => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(Object.assign(new Error(`${options.system} ${operation} timed out`), { name: "TimeoutError" }));
      }, policy.timeoutMs);
    });
    try {
      return await Promise.race([op(controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const limiter = options.limiter;
  for (;;) {
    attempt++;
    try {
      const result = await (limiter ? limiter.run(attemptOnce, { sleep }) : attemptOnce());
      options.upstream?.call(options.system, "ok");
      return result;
    } catch (error) {
      if (error instanceof DaybookError) {
        options.upstream?.call(options.system, "error");
        throw error;
      }
      const failure = classify(error);
      if (failure.status === 429) options.upstream?.rateLimited(options.system);
      const canRetry = retryable(failure) && attempt <= policy.maxRetries;
      const tooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs;
      if (!canRetry || tooLong) {
        const err = toUserError(options.system, operation, failure, attempt, options.credentialHint, error);
        options.upstream?.call(options.system, "error");
        options.logger?.warn("upstream call failed", {
          system: options.system,
          operation,
          status: failure.status,
          attempt,
        });
        throw err;
      }
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const jittered = backoff / 2 + Math.random() * (backoff / 2);
      const delay = failure.retryAfterMs ?? jittered;
      options.logger?.debug("retrying upstream call", {
        system: options.system,
        operation,
        status: failure.status,
        attempt,
        delay,
      });
      options.upstream?.retry(options.system);
      // With a limiter the Retry-After wait happens in its gate, shared by the account's calls.
      if (limiter && failure.retryAfterMs !== undefined) limiter.backOff(failure.retryAfterMs);
      else await sleep(delay);
    }
  }
}
