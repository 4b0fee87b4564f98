import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { RedisStore } from "../../src/store/redis-store.ts";

/**
 * The Redis Sentinel suite runs against a master, a replica and a sentinel on loopback
 * (master "daybook", sentinel 127.0.0.1:26381) that .ci/redis-sentinel.sh starts; .ci/run runs
 * it, and this module runs it too when they are not up, so the suite never silently skips
 * on a machine that has redis-server. It skips only when redis-server is not installed.
 */
export const sentinelPort = 26381;
export const sentinelMaster = "daybook";
export const redisSentinelUrl = `redis+sentinel://127.0.0.1:${sentinelPort}/${sentinelMaster}`;

const script = fileURLToPath(new URL("../../.ci/redis-sentinel.sh", import.meta.url));

function hasRedisServer(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    execFileSync("redis-cli", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function start(): string | undefined {
  if (!hasRedisServer()) {
    if (process.env.CI) throw new Error("CI is set but redis-server is not installed: the Sentinel suite cannot run");
    return "redis-server / redis-cli are not installed: Redis Sentinel tests skipped (apt-get install redis-server)";
  }
  execFileSync("bash", [script], { stdio: ["ignore", "ignore", "inherit"], timeout: 60_000 });
  return undefined;
}

export const redisSentinelSkipReason = start();

/** A RedisStore on the sentinel-watched master whose keys live under a fresh prefix. */
export async function connectTestSentinel(prefix = `test:${randomUUID()}:`): Promise<RedisStore> {
  if (redisSentinelSkipReason) throw new Error(redisSentinelSkipReason);
  return RedisStore.connect({ url: redisSentinelUrl, prefix });
}

/** A redis-cli command against one port, its reply as text. */
export function redisCli(port: number, ...args: string[]): string {
  return execFileSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8" }).trim();
}

/** The port of the master the sentinel names now. */
export function currentMasterPort(): number {
  const [, port] = redisCli(sentinelPort, "sentinel", "get-master-addr-by-name", sentinelMaster).split("\n");
  return Number(port);
}
