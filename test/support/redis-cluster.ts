import { randomUUID } from "node:crypto";
import { RedisStore } from "../../src/store/redis-store.ts";

/**
 * The Redis Cluster suite runs against REDIS_CLUSTER_URL (`redis+cluster://host:port,...`).
 * .ci/run starts a local three-master cluster on 127.0.0.1:7001-7003 and sets it; in CI a
 * missing cluster fails the run instead of skipping the suite.
 */
export const redisClusterUrl = process.env.REDIS_CLUSTER_URL;

if (!redisClusterUrl && process.env.CI) {
  throw new Error("CI is set but REDIS_CLUSTER_URL is not: .ci/run must start the local Redis Cluster and export it");
}

export const redisClusterSkipReason = redisClusterUrl
  ? undefined
  : "REDIS_CLUSTER_URL is not set: Redis Cluster tests skipped (.ci/run starts one on 127.0.0.1:7001-7003)";

/** A RedisStore on the cluster whose keys live under a fresh prefix. */
export async function connectTestCluster(prefix = `test:${randomUUID()}:`): Promise<RedisStore> {
  if (!redisClusterUrl) throw new Error(redisClusterSkipReason);
  return RedisStore.connect({ url: redisClusterUrl, prefix });
}

/** `host:port` of every master the URL's cluster has, from CLUSTER SHARDS of its first node. */
export function clusterSeedPorts(): number[] {
  if (!redisClusterUrl) return [];
  return redisClusterUrl
    .replace(/^rediss?\+cluster:\/\/([^@]*@)?/, "")
    .replace(/\/+$/, "")
    .split(",")
    .map((h) => Number(h.slice(h.lastIndexOf(":") + 1)));
}
