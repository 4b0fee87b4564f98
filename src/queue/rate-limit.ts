import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from "rate-limiter-flexible";
import { DaybookError } from "../core/errors.ts";
import type { Store } from "../core/store.ts";
import { RedisStore } from "../store/redis-store.ts";

export interface RateLimiterOptions {
  store: Store;
  /** Calls allowed per key within one window. */
  points: number;
  /** Window length, seconds (fixed window, starting at a key's first call). */
  durationSec: number;
  /** Names this limit ("user", "channel"); keys of different limits never collide. */
  keyPrefix: string;
  /** Longest wait for Redis before the in-process limit decides instead (default 500 ms). */
  redisTimeoutMs?: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Takes one point for `key`. Being over the limit is an answer, never an exception. */
  consume(key: string): Promise<RateLimitDecision>;
}

/**
 * Per-key limits with rate-limiter-flexible (https://github.com/animir/node-rate-limiter-flexible).
 * On Redis, the count is shared by every replica; if Redis is slow or down, an in-process
 * limiter with the same points takes over (its "insurance limiter"), so the limit still holds
 * per process instead of opening up.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { store, points, durationSec } = options;
  let limiter: RateLimiterAbstract | RLWrapperTimeouts;
  if (store instanceof RedisStore) {
    const insurance = new RateLimiterMemory({ points, duration: durationSec, keyPrefix: options.keyPrefix });
    const redis = new RateLimiterRedis({
      storeClient: store.client,
      useRedisPackage: true,
      // Fail over at once while disconnected instead of waiting for a command to fail.
      rejectIfRedisNotReady: true,
      points,
      duration: durationSec,
      keyPrefix: `${store.prefix}ratelimit:${options.keyPrefix}`,
      insuranceLimiter: insurance,
    });
    // A frozen Redis never answers; past the deadline the insurance limiter decides.
    limiter = new RLWrapperTimeouts({ limiter: redis, timeoutMs: options.redisTimeoutMs ?? 500 });
  } else {
    limiter = new RateLimiterMemory({ points, duration: durationSec, keyPrefix: options.keyPrefix });
  }
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (error) {
        if (error instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, error.msBeforeNext) };
        throw new DaybookError("store_unavailable", `rate limiter failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}
