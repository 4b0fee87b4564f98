import { DaybookError } from "../core/errors.ts";

/**
 * Where REDIS_URL points: one server (`redis://` / `rediss://`), or a Redis Cluster given by
 * some of its nodes (`redis+cluster://[user:password@]host1:port1,host2:port2[/]`, and
 * `rediss+cluster://` for TLS). The cluster client discovers the rest of the topology from any
 * node it reaches (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/),
 * so listing every master is not needed, only enough of them that one is up at start.
 *
 * Or a master that Redis Sentinel watches:
 * `redis+sentinel://[user:password@]sentinel1:26379,sentinel2:26379/<master-name>[/<db>]`
 * (`rediss+sentinel://` for TLS). The sentinels are asked where the master is, and asked again
 * after a failover (https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/);
 * the credentials are the master's and replicas', and `?sentinelPassword=` (with an optional
 * `sentinelUsername=`) authenticates to sentinels that have a password of their own.
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
    }
  | {
      kind: "sentinel";
      /** The master's name in the sentinels' configuration (`sentinel monitor <name> ...`). */
      masterName: string;
      sentinels: { host: string; port: number }[];
      database: number | undefined;
      tls: boolean;
      username: string | undefined;
      password: string | undefined;
      sentinelUsername: string | undefined;
      sentinelPassword: string | undefined;
    };

const clusterScheme = /^(rediss?)\+cluster:\/\//;
const sentinelScheme = /^(rediss?)\+sentinel:\/\//;
const hostPort = /^[\w.-]+:\d{1,5}$|^\[[\da-f:]+\]:\d{1,5}$/i;

export function parseRedisTarget(url: string): RedisTarget {
  const sentinel = sentinelScheme.exec(url);
  if (sentinel) return parseSentinel(url.slice(sentinel[0].length), sentinel[1] === "rediss");
  const scheme = clusterScheme.exec(url);
  if (!scheme) return { kind: "single", url };
  const rest = url.slice(scheme[0].length).replace(/\/+$/, "");
  const at = rest.lastIndexOf("@");
  const auth = at === -1 ? "" : rest.slice(0, at);
  const hosts = (at === -1 ? rest : rest.slice(at + 1)).split(",").map((h) => h.trim());
  if (hosts.length === 0 || hosts.some((h) => !hostPort.test(h))) {
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

const sentinelFix =
  "Fix: e.g. redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster (optionally user:password@ before the hosts and /<db> after the name)";

/** `[user:password@]host:port,host:port/<master-name>[/<db>][?sentinelPassword=...]`, after the scheme. */
function parseSentinel(rest: string, tls: boolean): RedisTarget {
  const invalid = (what: string) => new DaybookError("config_invalid", `REDIS_URL: ${what}. ${sentinelFix}`);
  const q = rest.indexOf("?");
  const query = new URLSearchParams(q === -1 ? "" : rest.slice(q + 1));
  const main = q === -1 ? rest : rest.slice(0, q);
  const slash = main.indexOf("/", main.lastIndexOf("@") + 1);
  const authority = slash === -1 ? main : main.slice(0, slash);
  const path = (slash === -1 ? "" : main.slice(slash + 1)).replace(/\/+$/, "");
  const at = authority.lastIndexOf("@");
  const auth = at === -1 ? "" : authority.slice(0, at);
  const hosts = (at === -1 ? authority : authority.slice(at + 1)).split(",").map((h) => h.trim());
  if (hosts.some((h) => !hostPort.test(h))) {
    throw invalid("a redis+sentinel:// URL lists the sentinels as host:port separated by commas");
  }
  const [name, db, ...extra] = path === "" ? [] : path.split("/");
  if (!name || extra.length > 0) {
    throw invalid(
      "a redis+sentinel:// URL ends with the master's name as the sentinels know it (sentinel monitor <name>)",
    );
  }
  if (db !== undefined && !/^\d{1,2}$/.test(db))
    throw invalid(`the database after the master's name must be a number, not "${db}"`);
  for (const key of query.keys()) {
    if (key !== "sentinelPassword" && key !== "sentinelUsername") {
      throw invalid(`unknown parameter "${key}" (only sentinelPassword and sentinelUsername are read)`);
    }
  }
  const [user, ...pass] = auth === "" ? [] : auth.split(":");
  return {
    kind: "sentinel",
    masterName: decodeURIComponent(name),
    sentinels: hosts.map((h) => {
      const colon = h.lastIndexOf(":");
      return { host: h.slice(0, colon).replace(/^\[|\]$/g, ""), port: Number(h.slice(colon + 1)) };
    }),
    database: db === undefined ? undefined : Number(db),
    tls,
    username: user ? decodeURIComponent(user) : undefined,
    password: pass.length > 0 ? decodeURIComponent(pass.join(":")) : undefined,
    sentinelUsername: query.get("sentinelUsername") ?? undefined,
    sentinelPassword: query.get("sentinelPassword") ?? undefined,
  };
}

/** A target for messages: the nodes, never the credentials. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === "cluster") return `the Redis Cluster at ${target.rootNodes.join(", ")}`;
  if (target.kind === "sentinel") {
    const at = target.sentinels.map((s) => `${s.host}:${s.port}`).join(", ");
    return `the Redis master "${target.masterName}" of the sentinels at ${at}`;
  }
  const u = new URL(target.url);
  return `Redis at ${u.protocol}//${u.host}`;
}
