import type { Store } from "../core/store.ts";
import type { WorkQueue } from "../core/work-queue.ts";
import { RedisStore } from "../store/redis-store.ts";
import { MemoryQueue } from "./memory-queue.ts";
import { RedisStreamQueue, type RedisStreamQueueOptions } from "./redis-stream-queue.ts";

/** Options of both queues; the Redis-only ones (group, reclaimIdleMs, ...) are ignored in memory. */
export type CreateQueueOptions = RedisStreamQueueOptions;

/** A durable Redis Stream queue on a RedisStore; a bounded in-memory queue on any other store. */
export function createQueue(store: Store, options: CreateQueueOptions): WorkQueue {
  if (store instanceof RedisStore) return new RedisStreamQueue(store, options);
  return new MemoryQueue(options);
}
