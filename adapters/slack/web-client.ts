import { type RetryOptions, WebClient, type WebClientOptions } from "@slack/web-api";
import type { Logger } from "../../src/core/logger.ts";
import { boltLogger } from "./bolt-logger.ts";

/** Slack's Web API base; tests and proxies point it elsewhere (SLACK_API_URL). */
export const defaultSlackApiUrl = "https://slack.com/api/";

export function normalizeApiUrl(url: string | undefined): string {
  if (!url) return defaultSlackApiUrl;
  return url.endsWith("/") ? url : `${url}/`;
}

// Errors that prove Slack never received the request, so sending it again cannot post twice.
const unsentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

function causeCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 4 && e && typeof e === "object"; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && unsentCodes.has(code)) return code;
    e = (e as { original?: unknown; cause?: unknown }).original ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Retry policy. The WebClient waits out a 429's Retry-After and then retries through this
 * policy; a 429 means Slack did not act, so that retry is safe. chat.postMessage has no
 * idempotency key, so a timeout or a 5xx (Slack may have posted) is NOT retried: posts stay
 * idempotent at the cost of surfacing those rare errors to the caller.
 */
export function slackRetryConfig(retries = 4): RetryOptions {
  const config: RetryOptions & { onFailedAttempt(error: Error): void } = {
    retries,
    factor: 2,
    minTimeout: 500,
    maxTimeout: 30_000,
    randomize: true,
    // p-retry (used by the WebClient) stops retrying when onFailedAttempt throws.
    onFailedAttempt(error: Error) {
      // After waiting out Retry-After the WebClient throws this (wrapped in a request error).
      if (/A rate limit was exceeded/.test(error.message)) return;
      if (causeCode(error)) return;
      throw error;
    },
  };
  return config;
}

export function createWebClient(options: {
  token: string;
  apiUrl?: string;
  logger: Logger;
  timeoutMs?: number;
}): WebClient {
  const clientOptions: WebClientOptions = {
    slackApiUrl: normalizeApiUrl(options.apiUrl),
    logger: boltLogger(options.logger),
    retryConfig: slackRetryConfig(),
    timeout: options.timeoutMs ?? 10_000,
  };
  return new WebClient(options.token, clientOptions);
}
