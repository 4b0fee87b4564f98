import { DaybookError } from "../core/errors.ts";

/**
 * Where REDIS_URL points: one server (`redis://` / `rediss://`), or a Redis Cluster given by
 * some of its nodes (`redis+cluster://[user:password@]host1:port1,host2:port2[/]`, and
 * `rediss+cluster://` for TLS). The cluster client discovers the rest of the topology from any
 * node it reaches (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/),
 * so listing every master is not needed, only enough of them that one is up at start.
 */
export type RedisTarget =
  | { kind: "single"; url: string }
  | {
      kind: "cluster";
      /** Seed nodes, as redis:// or rediss:// URLs without credentials. */
      rootNodes: string[];
      tls: boolean;
      username: string | undefined;
      password: string | undefined;
    };

const clusterScheme = /^(rediss?)\+cluster:\/\//;

export function parseRedisTarget(url: string): RedisTarget {
  const scheme = clusterScheme.exec(url);
  if (!scheme) return { kind: "single", url };
  const rest = url.slice(scheme[0].length).replace(/\/+$/, "");
  const at = rest.lastIndexOf("@");
  const auth = at === -1 ? "" : rest.slice(0, at);
  const hosts = (at === -1 ? rest : rest.slice(at + 1)).split(",").map((h) => h.trim());
  if (hosts.length === 0 || hosts.some((h) => !/^[\w.-]+:\d{1,5}$|^\[[\da-f:]+\]:\d{1,5}$/i.test(h))) {
    throw new DaybookError(
      "config_invalid",
      "REDIS_URL: a redis+cluster:// URL lists nodes as host:port separated by commas. Fix: e.g. redis+cluster://10.0.0.1:7001,10.0.0.2:7002",
    );
  }
  const [user, ...pass] = auth === "" ? [] : auth.split(":");
  const tls = scheme[1] === "rediss";
  return {
    kind: "cluster",
    rootNodes: hosts.map((h) => `${tls ? "rediss" : "redis"}://${h}`),
    tls,
    username: user ? decodeURIComponent(user) : undefined,
    password: pass.length > 0 ? decodeURIComponent(pass.join(":")) : undefined,
  };
}

/** A target for messages: the nodes, never the credentials. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === "cluster") return `the Redis Cluster at ${target.rootNodes.join(", ")}`;
  const u = new URL(target.url);
  return `Redis at ${u.protocol}//${u.host}`;
}
