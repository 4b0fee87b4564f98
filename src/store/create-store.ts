import type { Logger } from "../core/logger.ts";
import type { Store } from "../core/store.ts";
import { MemoryStore } from "./memory-store.ts";
import { RedisStore } from "./redis-store.ts";

export async function createStore(redisUrl: string | undefined, logger: Logger): Promise<Store> {
  if (!redisUrl) {
    logger.warn(
      "REDIS_URL is not set: using the in-memory store. Approvals, thread memory and dedup are lost on restart and not shared between replicas.",
    );
    return new MemoryStore();
  }
  return RedisStore.connect({ url: redisUrl, logger });
}
