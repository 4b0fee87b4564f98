import PQueue from "p-queue";

/**
 * A vendor's published request limits for one account (a Xero tenant, a HubSpot portal, a Jira
 * site). Windows are sliding: no more than `perWindow` calls start in any `windowMs` period.
 */
export interface CallLimits {
  /** Calls in flight at once. */
  concurrency: number;
  perWindow?: number;
  windowMs?: number;
}

/**
 * Xero: 5 concurrent calls and 60 calls in any minute per tenant per app
 * (https://developer.xero.com/documentation/guides/oauth2/limits/).
 */
export const xeroLimits: CallLimits = { concurrency: 5, perWindow: 60, windowMs: 60_000 };

/**
 * HubSpot private apps: 100 requests per 10 s on Free/Starter, 190 on Professional/Enterprise
 * (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details). HubSpot publishes
 * no concurrency limit; 10 keeps a burst of batch reads from queueing behind one another.
 */
export function hubspotLimits(per10s = 100): CallLimits {
  return { concurrency: 10, perWindow: per10s, windowMs: 10_000 };
}

/** HubSpot CRM search endpoints: 5 requests per second per account (same page as above). */
export const hubspotSearchLimits: CallLimits = { concurrency: 5, perWindow: 5, windowMs: 1_000 };

/**
 * Jira Cloud publishes no fixed request count (its limits are cost-based and answered with 429 +
 * Retry-After: https://developer.atlassian.com/cloud/jira/platform/rate-limiting/), so only
 * concurrency is bounded and a Retry-After pauses the whole site.
 */
export const jiraLimits: CallLimits = { concurrency: 10 };

export interface RunOptions {
  /** How a wait for a vendor's Retry-After is spent; tests inject a recorder. */
  sleep?: (ms: number) => Promise<void>;
}

/** Gate for every upstream attempt to one vendor account. */
export interface CallLimiter {
  /** Runs one attempt once a slot is free, the window has room and no Retry-After is pending. */
  run<T>(attempt: () => Promise<T>, options?: RunOptions): Promise<T>;
  /** A 429 said "retry after ms": every later attempt on this account waits it out, not just the one refused. */
  backOff(ms: number): void;
  /** Attempts in flight and waiting, for tests and metrics. */
  readonly pending: { running: number; waiting: number };
}

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * p-queue (sindresorhus, maintained) over bottleneck: its `strict` mode is a sliding window, which
 * is what "60 calls per minute" means to Xero, while bottleneck's reservoir refills in fixed
 * windows (bursting at the boundary) and has had no release since 2019.
 */
export function createLimiter(limits: CallLimits): CallLimiter {
  const windowed = limits.perWindow !== undefined && limits.windowMs !== undefined;
  const queue = new PQueue({
    concurrency: limits.concurrency,
    ...(windowed ? { intervalCap: limits.perWindow, interval: limits.windowMs, strict: true } : {}),
  });
  let blockedUntil = 0;
  return {
    async run(attempt, options = {}) {
      const until = blockedUntil;
      const wait = until - Date.now();
      if (wait > 0) {
        await (options.sleep ?? sleepReal)(wait);
        // Waited out: later attempts go straight on (an injected sleep does not move the clock).
        if (blockedUntil === until) blockedUntil = 0;
      }
      return queue.add(attempt);
    },
    backOff(ms) {
      blockedUntil = Math.max(blockedUntil, Date.now() + ms);
    },
    get pending() {
      return { running: queue.pending, waiting: queue.size };
    },
  };
}

const shared = new Map<string, CallLimiter>();

/**
 * The one limiter per vendor account for the whole process, so every connector instance, digest
 * and question on that account shares the vendor's budget. `key` names the account (API root and
 * tenant), so two accounts never slow each other.
 */
export function sharedLimiter(key: string, limits: CallLimits): CallLimiter {
  let limiter = shared.get(key);
  if (!limiter) {
    limiter = createLimiter(limits);
    shared.set(key, limiter);
  }
  return limiter;
}

/** Both limits at once (HubSpot search counts against the search limit and the account's burst limit). */
export function bothLimiters(outer: CallLimiter, inner: CallLimiter): CallLimiter {
  return {
    run: (attempt, options) => outer.run(() => inner.run(attempt, options), options),
    // Every attempt passes the inner limiter, so one pause there holds all of them, once.
    backOff: (ms) => inner.backOff(ms),
    get pending() {
      return inner.pending;
    },
  };
}
