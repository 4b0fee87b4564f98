import { createHash } from "node:crypto";
import type { RedisClientType } from "redis";
import type { EnqueueResult } from "../core/work-queue.ts";
import { ackScript, enqueueOrOverflowScript, enqueueScript, touchOwnScript } from "./redis-scripts.ts";

/** A script and its SHA1, for EVALSHA. */
interface Script {
  source: string;
  sha: string;
}

const script = (source: string): Script => ({ source, sha: createHash("sha1").update(source).digest("hex") });
const scripts = {
  enqueue: script(enqueueScript),
  enqueueOrOverflow: script(enqueueOrOverflowScript),
  ack: script(ackScript),
  touchOwn: script(touchOwnScript),
};

/** The job written to another stream when this one is full (see enqueueOrOverflow). */
export interface OverflowEntry {
  streamKey: string;
  /** The idempotency key, already prefixed (`<overflow stream>:key:<key>`). */
  key: string | undefined;
  json: string;
  maxDepth: number;
  keyTtlMs: number;
}

export interface StreamMessage {
  id: string;
  message: Record<string, string>;
}

export interface ConsumerGroupOptions {
  streamKey: string;
  /** Idempotency keys are `<keyPrefix><key>`. */
  keyPrefix: string;
  group: string;
  consumer: string;
  commandTimeoutMs: number;
  /** Records each command's latency and failure by name (RedisStore.timed: the Redis metrics). */
  timed?: <T>(command: string, op: () => Promise<T>) => Promise<T>;
}

/**
 * The Redis commands of the stream queue, each under a deadline, on the shared client (never
 * a blocking one: the blocking XREADGROUP has its own connection, see RedisStreamQueue).
 */
export class ConsumerGroup {
  readonly #client: RedisClientType;
  readonly #o: ConsumerGroupOptions;
  #ready: Promise<void> | undefined;

  constructor(client: RedisClientType, options: ConsumerGroupOptions) {
    this.#client = client;
    this.#o = options;
  }

  /** Atomic: depth check, idempotency key and XADD (see redis-scripts.ts). */
  async enqueue(json: string, key: string | undefined, maxDepth: number, keyTtlMs: number): Promise<EnqueueResult> {
    const reply = await this.#command(undefined, () =>
      this.#eval(scripts.enqueue, {
        keys: this.#keys(key),
        arguments: [String(maxDepth), json, String(keyTtlMs)],
      }),
    );
    const [status, a, b] = reply as [string, string | number | undefined, number | undefined];
    if (status === "duplicate") return { status: "duplicate" };
    if (status === "full") return { status: "full", depth: Number(a) };
    return { status: "queued", id: String(a), depth: Number(b) };
  }

  /**
   * enqueue(), or when this stream is full, `overflow` on its stream, in one script (see
   * redis-scripts.ts; one server only, never a cluster).
   */
  async enqueueOrOverflow(
    json: string,
    key: string | undefined,
    maxDepth: number,
    keyTtlMs: number,
    overflow: OverflowEntry,
  ): Promise<EnqueueResult> {
    const keys = [this.#o.streamKey, overflow.streamKey];
    if (key !== undefined) keys.push(this.#o.keyPrefix + key);
    if (overflow.key !== undefined) keys.push(overflow.key);
    const reply = await this.#command(undefined, () =>
      this.#eval(scripts.enqueueOrOverflow, {
        keys,
        arguments: [
          String(maxDepth),
          json,
          String(keyTtlMs),
          String(overflow.maxDepth),
          overflow.json,
          String(overflow.keyTtlMs),
          key === undefined ? "0" : "1",
          overflow.key === undefined ? "0" : "1",
        ],
      }),
    );
    const [status, a, b, c, d] = reply as [string, string | number, string | number, string | number, number];
    if (status === "duplicate") return { status: "duplicate" };
    if (status === "queued") return { status: "queued", id: String(a), depth: Number(b) };
    const outcome: EnqueueResult =
      b === "full" ? { status: "full", depth: Number(c) } : { status: "queued", id: String(c), depth: Number(d) };
    return { status: "full", depth: Number(a), overflow: outcome };
  }

  /** Group from the stream's start ("0"), so entries added before any worker existed are read. */
  ensureGroup(): Promise<void> {
    this.#ready ??= this.#command("XGROUP CREATE", () =>
      this.#client.xGroupCreate(this.#o.streamKey, this.#o.group, "0", { MKSTREAM: true }),
    ).then(
      () => undefined,
      (error: Error) => {
        if (/BUSYGROUP/.test(error.message)) return;
        this.#ready = undefined;
        throw error;
      },
    );
    return this.#ready;
  }

  /** After NOGROUP (the stream was deleted, or Redis restarted empty). */
  forgetGroup(): void {
    this.#ready = undefined;
  }

  /** `rememberMs` > 0 keeps the idempotency key that long instead of freeing it. */
  async ack(id: string, key: string | undefined, rememberMs = 0): Promise<void> {
    await this.#command("EVALSHA:ack", () =>
      this.#eval(scripts.ack, {
        keys: this.#keys(key),
        arguments: [this.#o.group, id, String(rememberMs)],
      }),
    );
  }

  /** Resets idle time of entries still ours (optionally setting their delivery count); returns the ids lost. */
  async touch(ids: string[], retryCount?: number): Promise<string[]> {
    const reply = await this.#command("EVALSHA:touch_own", () =>
      this.#eval(scripts.touchOwn, {
        keys: [this.#o.streamKey],
        arguments: [this.#o.group, this.#o.consumer, retryCount === undefined ? "" : String(retryCount), ...ids],
      }),
    );
    return (reply as unknown[]).map(String);
  }

  async autoClaim(
    minIdleMs: number,
    cursor: string,
    count: number,
  ): Promise<{ nextId: string; messages: StreamMessage[] }> {
    const reply = await this.#command("XAUTOCLAIM", () =>
      this.#client.xAutoClaim(this.#o.streamKey, this.#o.group, this.#o.consumer, minIdleMs, cursor, { COUNT: count }),
    );
    const messages = reply.messages.filter((m): m is NonNullable<typeof m> => m !== null) as StreamMessage[];
    return { nextId: String(reply.nextId), messages };
  }

  /** Deliveries so far of a pending entry (XAUTOCLAIM counts itself). */
  async deliveries(id: string): Promise<number> {
    const pending = await this.#command("XPENDING", () =>
      this.#client.xPendingRange(this.#o.streamKey, this.#o.group, id, id, 1),
    );
    return Number(pending[0]?.deliveriesCounter ?? 1);
  }

  async counts(): Promise<{ length: number; pending: number; oldestId: string | undefined }> {
    await this.ensureGroup();
    const [length, pending, first] = await this.#command("XLEN+XPENDING+XRANGE", () =>
      Promise.all([
        this.#client.xLen(this.#o.streamKey),
        this.#client.xPending(this.#o.streamKey, this.#o.group),
        this.#client.xRange(this.#o.streamKey, "-", "+", { COUNT: 1 }),
      ]),
    );
    return { length, pending: Number(pending.pending), oldestId: first?.[0]?.id };
  }

  /** Removes consumers of stopped processes that hold nothing (they would otherwise pile up). */
  async dropIdleConsumers(idleMs: number): Promise<void> {
    const consumers = await this.#command("XINFO CONSUMERS", () =>
      this.#client.xInfoConsumers(this.#o.streamKey, this.#o.group),
    );
    for (const c of consumers) {
      const name = String(c.name);
      if (name === this.#o.consumer || Number(c.pending) > 0 || Number(c.idle) < idleMs) continue;
      await this.#command("XGROUP DELCONSUMER", () =>
        this.#client.xGroupDelConsumer(this.#o.streamKey, this.#o.group, name),
      );
    }
  }

  /**
   * Ends another connection's blocking command with an empty reply (CLIENT UNBLOCK), sent on
   * `via`, a connection to the same server as the blocked one.
   */
  async unblock(clientId: number, via: RedisClientType = this.#client): Promise<void> {
    await this.#command("CLIENT UNBLOCK", () => via.clientUnblock(clientId));
  }

  /**
   * The stream, and the job's idempotency key when it has one. Without one the script gets the
   * stream alone: an empty key name would hash to slot 0, not the stream's, and a cluster
   * refuses a script whose keys span slots (CROSSSLOT).
   */
  #keys(key: string | undefined): string[] {
    return key === undefined ? [this.#o.streamKey] : [this.#o.streamKey, this.#o.keyPrefix + key];
  }

  /**
   * EVALSHA: the script is sent by its hash, not its text, on every enqueue and ack; the first
   * call on a server that has not seen it (or after a restart or SCRIPT FLUSH) gets NOSCRIPT
   * and sends the text once (https://redis.io/docs/latest/commands/evalsha/).
   */
  async #eval(s: Script, options: { keys: string[]; arguments: string[] }): Promise<unknown> {
    try {
      return await this.#client.evalSha(s.sha, options);
    } catch (error) {
      if (!/NOSCRIPT/.test((error as Error).message)) throw error;
      return this.#client.eval(s.source, options);
    }
  }

  /**
   * A deadline per command: node-redis stops counting its own timeout once a command is
   * written, so against a frozen server a command would wait forever (see RedisStore#run).
   */
  async #command<T>(command: string | undefined, op: () => Promise<T>): Promise<T> {
    const raced = async () => {
      let timer: NodeJS.Timeout | undefined;
      const ms = this.#o.commandTimeoutMs;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      });
      try {
        return await Promise.race([op(), deadline]);
      } finally {
        clearTimeout(timer);
      }
    };
    // Undefined: timed by the caller (the enqueue goes through RedisStore.guard).
    return command && this.#o.timed ? this.#o.timed(command, raced) : raced();
  }
}
