import { randomUUID } from "node:crypto";
import { RedisStore } from "../../src/store/redis-store.ts";

/**
 * Real-Redis tests run when REDIS_URL is set (CI always sets it and starts Redis; a missing
 * server there fails the run). Elsewhere they are skipped with the reason printed once.
 */
export const redisUrl = process.env.REDIS_URL;

if (!redisUrl && process.env.CI) {
  // In CI a real Redis is part of the contract: never let its tests silently skip.
  throw new Error("CI is set but REDIS_URL is not: .ci/run must start Redis and export REDIS_URL");
}

export const redisSkipReason = redisUrl
  ? undefined
  : "REDIS_URL is not set: real-Redis tests skipped (CI sets REDIS_URL=redis://127.0.0.1:6379)";

if (redisSkipReason && !(globalThis as { __daybookRedisWarned?: boolean }).__daybookRedisWarned) {
  (globalThis as { __daybookRedisWarned?: boolean }).__daybookRedisWarned = true;
  console.warn(redisSkipReason);
}

/** A RedisStore whose keys live under a fresh prefix, so parallel suites never collide. */
export async function connectTestRedis(prefix = `test:${randomUUID()}:`): Promise<RedisStore> {
  if (!redisUrl) throw new Error(redisSkipReason);
  return RedisStore.connect({ url: redisUrl, prefix });
}
