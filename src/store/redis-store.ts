import CircuitBreaker from "opossum";
import type { RedisClientType, RedisClusterType } from "redis";
import { DaybookError, isDaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { RedisCommandObserver } from "../core/metrics.ts";
import type { AppendOptions, SetOptions, Store } from "../core/store.ts";
import { describeRedisTarget, parseRedisTarget, type RedisTarget } from "./redis-target.ts";

// Compare-and-set must read and write in one step; a Lua script runs atomically in Redis
// (https://redis.io/docs/latest/develop/interact/programmability/eval-intro/).
// KEYS[1]=key, ARGV[1]=expected ("" with ARGV[2]="absent" for a missing key), ARGV[3]=next, ARGV[4]=ttl ms or "".
const compareAndSetScript = `
local current = redis.call('GET', KEYS[1])
if ARGV[2] == 'absent' then
  if current then return 0 end
else
  if current ~= ARGV[1] then return 0 end
end
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
end
return 1
`;

const deleteIfEqualsScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const appendScript = `
local n = redis.call('RPUSH', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then
  redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
  n = redis.call('LLEN', KEYS[1])
end
if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return n
`;

const incrementScript = `
local n = redis.call('INCR', KEYS[1])
if n == 1 and ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

export interface RedisStoreOptions {
  url: string;
  /** Prefix for every key, so several deployments (or test suites) can share one Redis. */
  prefix?: string;
  connectTimeoutMs?: number;
  /** Longest a single command may take before it fails as store_unavailable. */
  commandTimeoutMs?: number;
  logger?: Logger;
}

/** Store on a real Redis server: atomic operations are single commands or Lua scripts. */
export class RedisStore implements Store {
  readonly #client: RedisClientType;
  readonly #prefix: string;

  readonly #commandTimeoutMs: number;
  readonly #breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;

  readonly #kind: RedisTarget["kind"];
  /** Behind Sentinel: a new Sentinel client of its own, its connections named `name`. */
  readonly #ownSentinel: ((name: string) => RedisClientType) | undefined;
  #observer: RedisCommandObserver | undefined;

  private constructor(
    client: RedisClientType,
    prefix: string,
    commandTimeoutMs: number,
    kind: RedisTarget["kind"],
    ownSentinel?: (name: string) => RedisClientType,
  ) {
    this.#client = client;
    this.#ownSentinel = ownSentinel;
    this.#kind = kind;
    this.#prefix = prefix;
    this.#commandTimeoutMs = commandTimeoutMs;
    this.#breaker = new CircuitBreaker((op: () => Promise<unknown>) => this.#withDeadline(op), {
      // Our own deadline above; opossum's timer would be a second one.
      timeout: false,
      // Open after 3 failures that are at least half of the last 5 s of commands...
      volumeThreshold: 3,
      errorThresholdPercentage: 50,
      rollingCountTimeout: 5_000,
      rollingCountBuckets: 5,
      // ...and let one probe through after a second.
      resetTimeout: 1_000,
    });
  }

  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const target = parseRedisTarget(options.url);
    // Imported on connect, not with this module: the queue refers to RedisStore in every
    // process, and a process without REDIS_URL need not load the client (issue 15, fast start).
    const { createClient, createCluster, createSentinel } = await import("redis");
    let connectedOnce = false;
    const socket = {
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      // A connection silent for this long is torn down and rebuilt, rejecting what it held.
      socketTimeout: 30_000,
      // At start-up a wrong REDIS_URL must fail fast (node-redis would otherwise retry the
      // first connect forever). After that, reconnect with bounded backoff; a Redis outage
      // shows up in /readyz, not as a crash loop.
      reconnectStrategy: (retries: number, cause: Error) =>
        connectedOnce ? Math.min(50 * 2 ** retries, 2_000) : new Error(`initial connect failed: ${cause.message}`),
    };
    // Fail at once while disconnected instead of queueing; a periodic PING notices a dead
    // connection that TCP alone would not report for minutes.
    const behaviour = { disableOfflineQueue: true, pingInterval: 10_000 } as const;
    let client: RedisClientType;
    let ownSentinel: ((name: string) => RedisClientType) | undefined;
    if (target.kind === "cluster") {
      // Every connection the cluster client opens (one per discovered node) is made from
      // `defaults`, not from the seed nodes' options (node-redis RedisClusterOptions.defaults).
      const cluster = createCluster({
        rootNodes: target.rootNodes.map((url) => ({ url })),
        defaults: {
          ...behaviour,
          socket: { ...socket, ...(target.tls ? { tls: true as const } : {}) },
          ...(target.username ? { username: target.username } : {}),
          ...(target.password ? { password: target.password } : {}),
        },
      });
      // The cluster client has the same command methods, with the same arguments, as a
      // single-node client, and routes each to the node that owns its first key. The members
      // that differ (a connection's own id, blocking reads, CLIENT UNBLOCK) are reached only
      // through nodeClientFor(), so the Store and the queue use one type for both.
      client = cluster as unknown as RedisClientType;
      cluster.on("node-error", () => {});
    } else if (target.kind === "sentinel") {
      // node-redis's Sentinel client asks the sentinels for the master, keeps one connection
      // to it (masterPoolSize 1: commands are pipelined on it, as on a single-node client),
      // listens on the sentinels' +switch-master and, after a failover, reconnects to the
      // promoted replica and retries commands that got READONLY or a dropped connection.
      const nodeClientOptions = {
        ...behaviour,
        socket: { ...socket, ...(target.tls ? { tls: true as const } : {}) },
        ...(target.username ? { username: target.username } : {}),
        ...(target.password ? { password: target.password } : {}),
        ...(target.database !== undefined ? { database: target.database } : {}),
      };
      const sentinel = createSentinel({
        name: target.masterName,
        sentinelRootNodes: target.sentinels,
        nodeClientOptions,
        sentinelClientOptions: {
          socket: { connectTimeout: socket.connectTimeout, ...(target.tls ? { tls: true as const } : {}) },
          ...(target.sentinelUsername ? { username: target.sentinelUsername } : {}),
          ...(target.sentinelPassword ? { password: target.sentinelPassword } : {}),
        },
        // Each rediscovery waits 1 s; a failover takes a few seconds (down-after-milliseconds
        // plus the promotion), so commands wait for it rather than fail at its first READONLY.
        maxCommandRediscovers: 16,
      });
      // Same command methods and arguments as a single-node client (NON_STICKY_COMMANDS); what
      // differs (a blocking read's own connection) goes through blockingClientFor().
      client = sentinel as unknown as RedisClientType;
      // One connection to the master (reserved: every command of it goes on that connection,
      // so CLIENT ID names the connection a blocking read then waits on).
      ownSentinel = (name) =>
        sentinel.duplicate({
          nodeClientOptions: { ...nodeClientOptions, name },
          masterPoolSize: 1,
          reserveClient: true,
        }) as unknown as RedisClientType;
    } else {
      client = createClient({ url: target.url, socket, ...behaviour });
    }
    let outage = false;
    const restored = () => {
      connectedOnce = true;
      if (outage) options.logger?.info("redis connection restored");
      outage = false;
    };
    client.on("ready", restored);
    (client as unknown as { on(event: string, fn: () => void): void }).on("node-ready", restored);
    // node-redis emits "error" on connection loss; without a listener Node would crash the process.
    // Logged once per outage, not once per reconnect attempt.
    client.on("error", (error: Error) => {
      if (!connectedOnce || outage) return;
      outage = true;
      options.logger?.error("redis connection lost; retrying", { error });
    });
    try {
      // The sentinel client retries a failed discovery once a second, 16 times, before its
      // connect() rejects; at start-up a wrong REDIS_URL must fail sooner than that.
      await (target.kind === "sentinel"
        ? withTimeout(client.connect(), options.connectTimeoutMs ?? 5_000, "no sentinel named a reachable master")
        : client.connect());
      connectedOnce = true;
    } catch (error) {
      await Promise.resolve(client.destroy()).catch(() => {});
      throw new DaybookError(
        "store_unavailable",
        `cannot connect to ${describeRedisTarget(target)} (REDIS_URL: ${(error as Error).message}). Fix: start Redis or correct REDIS_URL.`,
        { cause: error },
      );
    }
    return new RedisStore(
      client,
      options.prefix ?? "daybook:",
      options.commandTimeoutMs ?? 5_000,
      target.kind,
      ownSentinel,
    );
  }

  /**
   * The node-redis client, for modules that need Redis types the Store interface does not
   * model (the work queue's stream, the rate limiter). Commands sent through it get none of
   * this class's deadlines or error mapping; never close it (the store owns it).
   */
  get client(): RedisClientType {
    return this.#client;
  }

  /** Whether REDIS_URL names a Redis Cluster (keys that a script touches together need one hash tag). */
  get isCluster(): boolean {
    return this.#kind === "cluster";
  }

  /** What REDIS_URL names: one server, a Redis Cluster, or a master behind Redis Sentinel. */
  get kind(): RedisTarget["kind"] {
    return this.#kind;
  }

  /**
   * A new connection of its own for a blocking command on `key` (XREADGROUP BLOCK), named
   * `name` in CLIENT LIST, to the server that holds `key`, plus `via`: a connection to that
   * same server to send CLIENT UNBLOCK on. On a single node and a cluster that is a duplicate
   * of the node's connection; behind Sentinel it is a second Sentinel client (one connection
   * to the master, following failovers itself), since a blocking command on the shared one
   * would hold up every other command queued behind it. The caller owns and closes it.
   */
  async blockingClientFor(key: string, name: string): Promise<{ client: RedisClientType; via: RedisClientType }> {
    if (this.#ownSentinel) return { client: this.#ownSentinel(name), via: this.#client };
    const node = await this.nodeClientFor(key);
    return { client: node.duplicate({ name }) as RedisClientType, via: node };
  }

  /**
   * The connection to the server that holds `key`: the client itself on a single node, the
   * slot master's connection on a cluster. For what must run on that very node: a blocking
   * read's own connection (duplicate() it), and CLIENT UNBLOCK of that connection's id.
   */
  async nodeClientFor(key: string): Promise<RedisClientType> {
    if (this.#kind !== "cluster") return this.#client;
    const cluster = this.#client as unknown as RedisClusterType;
    // Typed for the cluster's generic modules; the node connection is a plain client.
    return (await cluster.getNodeClientForKey(key)) as unknown as RedisClientType;
  }

  /** The key prefix of this store; prepend it to every key used through `client`. */
  get prefix(): string {
    return this.#prefix;
  }

  #k(key: string): string {
    return this.#prefix + key;
  }

  /**
   * Every command gets a deadline of our own: node-redis's command timeout stops counting once
   * the command is written to the socket, so against a partitioned (frozen) server a written
   * command would wait forever and hang the request that issued it.
   */
  async #run<T>(command: string, op: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const reply = (await this.#breaker.fire(op)) as T;
      this.#observer?.observe(command, (performance.now() - started) / 1000);
      return reply;
    } catch (error) {
      const open = (error as { code?: unknown } | null)?.code === "EOPENBREAKER";
      // A command the open circuit refused never reached Redis: an error, but not a latency.
      if (!open) this.#observer?.observe(command, (performance.now() - started) / 1000);
      this.#observer?.failed(command);
      if (isDaybookError(error)) throw error;
      throw new DaybookError(
        "store_unavailable",
        open
          ? "redis is not answering; failing fast until a probe succeeds"
          : `redis command failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /**
   * One command under our deadline. Wrapped in a circuit breaker (opossum): once several
   * commands in a row time out or fail, the next ones fail at once instead of each waiting
   * for its deadline, so during an outage a Slack request is still answered within its 3 s
   * and the fallbacks (in-process dedup, memory queue) take over; a probe every second
   * closes the circuit when Redis answers again.
   */
  #withDeadline = async <T>(op: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.#commandTimeoutMs} ms`)),
        this.#commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([op(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  /**
   * The same deadline and circuit for callers that use `client` directly (the work queue);
   * `command` names it in the Redis metrics.
   */
  guard<T>(op: () => Promise<T>, command = "guarded"): Promise<T> {
    return this.#run(command, op);
  }

  /**
   * Times a command sent on `client` without the circuit (the queue's own commands, which have
   * their own deadline) into the Redis metrics.
   */
  async timed<T>(command: string, op: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await op();
    } catch (error) {
      this.#observer?.failed(command);
      throw error;
    } finally {
      this.#observer?.observe(command, (performance.now() - started) / 1000);
    }
  }

  /** Where each command's latency and failure go (the app's metrics; docs/metrics.md). */
  observeCommands(observer: RedisCommandObserver): void {
    this.#observer = observer;
  }

  async get(key: string): Promise<string | undefined> {
    const v = await this.#run("GET", () => this.#client.get(this.#k(key)));
    return v ?? undefined;
  }

  async set(key: string, value: string, options?: SetOptions): Promise<void> {
    await this.#run("SET", () =>
      this.#client.set(
        this.#k(key),
        value,
        options?.ttlMs !== undefined ? { expiration: { type: "PX", value: options.ttlMs } } : undefined,
      ),
    );
  }

  async setIfAbsent(key: string, value: string, options?: SetOptions): Promise<boolean> {
    const reply = await this.#run("SET", () =>
      this.#client.set(this.#k(key), value, {
        condition: "NX",
        ...(options?.ttlMs !== undefined ? { expiration: { type: "PX" as const, value: options.ttlMs } } : {}),
      }),
    );
    return reply === "OK";
  }

  async compareAndSet(key: string, expected: string | undefined, next: string, options?: SetOptions): Promise<boolean> {
    const reply = await this.#run("EVAL:compare_and_set", () =>
      this.#client.eval(compareAndSetScript, {
        keys: [this.#k(key)],
        arguments: [
          expected ?? "",
          expected === undefined ? "absent" : "present",
          next,
          options?.ttlMs === undefined ? "" : String(options.ttlMs),
        ],
      }),
    );
    return reply === 1;
  }

  async delete(key: string): Promise<void> {
    await this.#run("DEL", () => this.#client.del(this.#k(key)));
  }

  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    const reply = await this.#run("EVAL:delete_if_equals", () =>
      this.#client.eval(deleteIfEqualsScript, { keys: [this.#k(key)], arguments: [expected] }),
    );
    return reply === 1;
  }

  async append(key: string, value: string, options?: AppendOptions): Promise<number> {
    const reply = await this.#run("EVAL:append", () =>
      this.#client.eval(appendScript, {
        keys: [this.#k(key)],
        arguments: [
          value,
          options?.maxLength === undefined ? "" : String(options.maxLength),
          options?.ttlMs === undefined ? "" : String(options.ttlMs),
        ],
      }),
    );
    return Number(reply);
  }

  async range(key: string, start: number, stop: number): Promise<string[]> {
    return this.#run("LRANGE", () => this.#client.lRange(this.#k(key), start, stop));
  }

  async increment(key: string, options?: SetOptions): Promise<number> {
    const reply = await this.#run("EVAL:increment", () =>
      this.#client.eval(incrementScript, {
        keys: [this.#k(key)],
        arguments: [options?.ttlMs === undefined ? "" : String(options.ttlMs)],
      }),
    );
    return Number(reply);
  }

  async mapSet(key: string, field: string, value: string): Promise<void> {
    await this.#run("HSET", () => this.#client.hSet(this.#k(key), field, value));
  }

  async mapGet(key: string, field: string): Promise<string | undefined> {
    const v = await this.#run("HGET", () => this.#client.hGet(this.#k(key), field));
    return v ?? undefined;
  }

  async mapGetAll(key: string): Promise<Record<string, string>> {
    return this.#run("HGETALL", () => this.#client.hGetAll(this.#k(key)));
  }

  async mapDelete(key: string, field: string): Promise<void> {
    await this.#run("HDEL", () => this.#client.hDel(this.#k(key), field));
  }

  async ping(): Promise<void> {
    if (!this.#client.isReady) throw new DaybookError("store_unavailable", "redis is not connected");
    await this.#run("PING", () => this.#client.ping());
  }

  async close(): Promise<void> {
    if (this.#client.isOpen) await this.#client.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
