/**
 * Cron wiring for digests (ARCHITECTURE.md, "Proactive" flow). node-cron decides when a
 * schedule fires in each replica; the Store decides which replica posts: the first to
 * set-if-absent the key (digest, time slot) wins, every other replica records a skip. A run
 * counts as delivered only with a platform receipt; failed posts are retried with backoff a
 * bounded number of times and recorded. Error text never goes into a channel.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import nodeCron, { type ScheduledTask } from "node-cron";
import { AudiencePolicy } from "../bot/audience.ts";
import { createPrincipalResolver } from "../bot/principals.ts";
import { type DigestName, digestNames, type OrgConfig } from "../config/org.ts";
import type { Card } from "../core/card.ts";
import type { ChatAdapter, DeliveryReceipt } from "../core/chat.ts";
import type { Clock } from "../core/clock.ts";
import { DaybookError, toDaybookError } from "../core/errors.ts";
import type { ChatFile } from "../core/files.ts";
import type { Logger } from "../core/logger.ts";
import type { Metrics } from "../core/metrics.ts";
import type { Store } from "../core/store.ts";
import type { Platform } from "../core/thread.ts";
import { inPlatformSpan, inSpan, markError } from "../core/tracing.ts";
import { reportError } from "../core/user-facing-error.ts";
import { createDigestAdmission } from "./admission.ts";
import { type DeliveryTarget, resolveTargets } from "./targets.ts";
import type { Audience, DeliveryRecord, DigestOptions, DigestSet, RunRecord, SchedulableDigest } from "./types.ts";

const errorOf = (error: DaybookError) => ({ code: error.code, message: error.message });

export interface RetryPolicy {
  /** Total attempts per post (and per digest build), including the first. Default 3. */
  attempts: number;
  /** Delay before the second attempt; doubles each time. Default 2,000 ms. */
  baseDelayMs: number;
}

export interface SchedulerOptions {
  org: OrgConfig;
  digests: DigestSet;
  adapters: Partial<Record<Platform, ChatAdapter>>;
  store: Store;
  clock: Clock;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** How long a slot lock lives; longer than any clock skew between replicas. Default 5 minutes. */
  lockTtlMs?: number;
  /** Longest a digest run may hold the overlap guard. Default 15 minutes. */
  runTtlMs?: number;
  /** Run records kept per digest. Default 200. */
  runLogLength?: number;
  /** Store key prefix. Default "scheduler:". */
  keyPrefix?: string;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Hands a cron firing to the work queue (a worker then calls `fire`), so digests run on
   * workers with bounded concurrency. Without it the firing runs here; if the hand-off fails
   * it runs here too.
   */
  dispatch?: (name: DigestName, slot: number) => Promise<void>;
  /**
   * Who may see what where (src/bot/audience.ts): a digest is posted only where every reader
   * may see its domains. Default: the org's channels and people.
   */
  audience?: AudiencePolicy;
  /** Counts recorded runs by digest and status (docs/metrics.md). */
  metrics?: Metrics;
}

export interface RunNowOptions {
  /** Post to the configured channels (true) or only build the card (false). */
  post: boolean;
  ownerId?: string;
  month?: string;
}

export interface Scheduler {
  start(): void;
  stop(): Promise<void>;
  /** One scheduled firing for `slot` (epoch ms): lock, build, post, record. Used by cron and tests. */
  fire(name: DigestName, slot: number): Promise<RunRecord>;
  /**
   * Every scheduled digest's targets checked against their audiences now (declared ones are
   * checked when the config loads; the rest against their members). Logs each refusal.
   */
  checkAudiences(): Promise<{ digest: DigestName; channel: string; platform: Platform; reason: string }[]>;
  /**
   * `cards`: one per audience for a per-person digest (sales: per account executive), else one;
   * `card` is the first of them.
   */
  runNow(name: DigestName, options: RunNowOptions): Promise<{ card: Card; cards: Card[]; run: RunRecord }>;
  /** Newest first. */
  runLog(name: DigestName, limit?: number): Promise<RunRecord[]>;
  /** The digests that have a schedule and are enabled. */
  readonly scheduled: DigestName[];
  /** When a started schedule fires next (undefined before start() or when not scheduled). */
  nextRun(name: DigestName): Date | undefined;
}

/** Slot = the scheduled second (minute for 5-field expressions), the same on every replica. */
export function slotOf(date: Date | number): number {
  const t = typeof date === "number" ? date : date.getTime();
  return Math.floor(t / 1000) * 1000;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { org, digests, store, clock } = options;
  const logger = options.logger.child({ component: "scheduler" });
  const retry: RetryPolicy = { attempts: 3, baseDelayMs: 2_000, ...options.retry };
  const prefix = options.keyPrefix ?? "scheduler:";
  // A slot lock only ever guards its own slot, so holding it for an hour costs nothing and
  // covers replicas whose clocks or cron ticks are minutes apart.
  const lockTtlMs = options.lockTtlMs ?? 60 * 60_000;
  const firing = new Set<Promise<unknown>>();
  const runTtlMs = options.runTtlMs ?? 15 * 60_000;
  const runLogLength = options.runLogLength ?? 200;
  const sleep = options.sleep ?? defaultSleep;
  const available = new Set(Object.keys(options.adapters) as Platform[]);
  const tasks = new Map<DigestName, ScheduledTask>();
  // node-cron reports missed executions and task errors through its own logger; route them
  // into ours so they are structured and redacted like everything else.
  const cronLogger = {
    info: (message: string) => logger.debug(message),
    warn: (message: string) => logger.warn(message),
    error: (message: string | Error) => logger.error(message instanceof Error ? message.message : message),
    debug: (message: string | Error) => logger.debug(message instanceof Error ? message.message : message),
  };

  const scheduled = digestNames.filter((name) => {
    const config = org.digests[name];
    if (!config?.enabled) return false;
    if (!digests[name]) {
      logger.warn("digest has a schedule but no implementation; not scheduled", { digest: name });
      return false;
    }
    if (!nodeCron.validate(config.cron)) {
      throw new DaybookError("config_invalid", `digests.${name}.cron "${config.cron}" is not a valid cron expression`);
    }
    return true;
  });

  async function withRetry<T>(
    what: string,
    fields: Record<string, unknown>,
    fn: () => Promise<T>,
  ): Promise<{ value?: T; attempts: number; error?: DaybookError }> {
    let last: DaybookError | undefined;
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      try {
        return { value: await fn(), attempts: attempt };
      } catch (error) {
        last = toDaybookError(error);
        if (attempt < retry.attempts) {
          logger.warn(`${what} failed; retrying`, { ...fields, attempt, of: retry.attempts, code: last.code });
          await sleep(retry.baseDelayMs * 2 ** (attempt - 1));
        } else {
          // The last attempt's error is the run's: logged once, an unexpected one at error with its stack.
          reportError(logger, error, {
            msg: `${what} failed`,
            component: "scheduler",
            fields: { ...fields, attempts: attempt },
          });
        }
      }
    }
    return { attempts: retry.attempts, ...(last ? { error: last } : {}) };
  }

  /**
   * A digest's charts, in the thread its card started: a failed chart is logged and left out,
   * never a failed delivery (the card and its text carry the same figures).
   */
  async function postCharts(name: DigestName, adapter: ChatAdapter, receipt: DeliveryReceipt, charts: ChatFile[]) {
    if (!adapter.postFile || charts.length === 0) return 0;
    const thread = receipt.thread.thread === "" ? { ...receipt.thread, thread: receipt.messageId } : receipt.thread;
    let posted = 0;
    for (const chart of charts) {
      try {
        await adapter.postFile(thread, chart);
        posted++;
      } catch (error) {
        logger.warn("digest chart not posted", { digest: name, chart: chart.name, code: toDaybookError(error).code });
      }
    }
    return posted;
  }

  async function deliver(
    name: DigestName,
    card: Card,
    targets: DeliveryTarget[],
    audience?: Audience,
    charts: ChatFile[] = [],
  ): Promise<DeliveryRecord[]> {
    return Promise.all(
      targets.map(async (target) => {
        const adapter = options.adapters[target.platform] as ChatAdapter;
        const result = await withRetry(
          "digest post",
          {
            digest: name,
            channel: target.channel,
            platform: target.platform,
            ...(audience ? { audience: audience.key } : {}),
          },
          () => inPlatformSpan(target.platform, "post", () => adapter.post(target.thread, card)),
        );
        const record: DeliveryRecord = {
          ...(audience ? { audience: audience.key, audienceLabel: audience.label } : {}),
          channel: target.channel,
          platform: target.platform,
          target: target.thread.channel,
          attempts: result.attempts,
        };
        if (result.value) {
          record.receipt = result.value;
          const posted = await postCharts(name, adapter, result.value, charts);
          if (posted > 0) record.charts = posted;
        } else if (result.error) record.error = { code: result.error.code, message: result.error.message };
        return record;
      }),
    );
  }

  /** The digest's charts for this edition; none when they cannot be drawn (logged). */
  async function chartsOf(name: DigestName, digest: SchedulableDigest, options: DigestOptions): Promise<ChatFile[]> {
    if (!digest.charts) return [];
    try {
      return await digest.charts(options);
    } catch (error) {
      logger.warn("digest charts not drawn", { digest: name, code: toDaybookError(error).code });
      return [];
    }
  }

  function targetsFor(name: DigestName): DeliveryTarget[] {
    return resolveTargets(org, org.digests[name]?.channels ?? [], available, logger);
  }

  const { admit } = createDigestAdmission({
    org,
    adapters: options.adapters,
    logger,
    audience:
      options.audience ??
      new AudiencePolicy({ channels: org.channels, principals: createPrincipalResolver(org), logger: options.logger }),
  });

  async function record(run: RunRecord): Promise<RunRecord> {
    options.metrics?.digestRuns.inc({ digest: run.digest, status: run.status });
    try {
      await store.append(`${prefix}runs:${run.digest}`, JSON.stringify(run), { maxLength: runLogLength });
    } catch (error) {
      logger.error("could not write the digest run log", { digest: run.digest, error: toDaybookError(error).message });
    }
    const level = run.status === "delivered" || run.status === "skipped" || run.status === "printed" ? "info" : "error";
    logger[level]("digest run", {
      digest: run.digest,
      trigger: run.trigger,
      slot: run.slot,
      status: run.status,
      skipped: run.skipped,
      durationMs: run.durationMs,
      delivered: run.deliveries.filter((d) => d.receipt).length,
      failed: run.deliveries.filter((d) => !d.receipt).length,
      ...(run.audienceErrors ? { unbuilt: run.audienceErrors.map((a) => a.audience) } : {}),
    });
    return run;
  }

  async function execute(
    name: DigestName,
    trigger: RunRecord["trigger"],
    post: boolean,
    runOptions: DigestOptions,
    slot?: number,
  ): Promise<{ cards: Card[]; run: RunRecord }> {
    const digest = digests[name];
    if (!digest)
      throw new DaybookError("not_found", `no digest named "${name}"`, {
        userMessage: `There is no digest named "${name}".`,
      });
    const started = clock.now();
    const t0 = performance.now();
    const base = {
      id: randomUUID(),
      digest: name,
      trigger,
      ...(slot === undefined ? {} : { slot: new Date(slot).toISOString() }),
      startedAt: new Date(started).toISOString(),
    };
    const finish = (rest: Pick<RunRecord, "status" | "deliveries"> & Partial<RunRecord>): RunRecord => ({
      ...base,
      finishedAt: new Date(clock.now()).toISOString(),
      durationMs: Math.round(performance.now() - t0),
      ...rest,
    });

    // A per-person digest becomes one edition per audience; any other digest is one edition.
    let editions: (Audience | undefined)[] = [undefined];
    if (digest.audiences) {
      const listAudiences = digest.audiences.bind(digest);
      const listed = await withRetry("digest audiences", { digest: name }, () => listAudiences(runOptions));
      if (!listed.value) {
        const error = listed.error ?? new DaybookError("internal", "digest listed no audiences");
        return { cards: [], run: finish({ status: "failed", deliveries: [], error: errorOf(error) }) };
      }
      if (listed.value.length > 0) editions = listed.value;
    }

    const { admitted: targets, refused } = post ? await admit(name, targetsFor(name)) : { admitted: [], refused: [] };
    const cards: Card[] = [];
    const deliveries: DeliveryRecord[] = [...refused];
    const audienceErrors: NonNullable<RunRecord["audienceErrors"]> = [];
    let firstError: DaybookError | undefined;
    // Sequential, so the channel reads the cards in audience order; each post is retried on its
    // own, so one account executive's failed post never re-posts another's card.
    for (const audience of editions) {
      const options = audience ? { ...runOptions, ...audience.options } : runOptions;
      const built = await withRetry(
        "digest build",
        { digest: name, ...(audience ? { audience: audience.key } : {}) },
        () => digest.run(options),
      );
      if (!built.value) {
        const error = built.error ?? new DaybookError("internal", "digest produced no card");
        firstError ??= error;
        if (audience) audienceErrors.push({ audience: audience.key, label: audience.label, ...errorOf(error) });
        continue;
      }
      cards.push(built.value);
      if (post) {
        const charts = await chartsOf(name, digest, options);
        deliveries.push(...(await deliver(name, built.value, targets, audience, charts)));
      }
    }
    const extra = audienceErrors.length > 0 ? { audienceErrors } : {};
    if (cards.length === 0) {
      const error = firstError ?? new DaybookError("internal", "digest produced no card");
      return { cards, run: finish({ status: "failed", deliveries: [], error: errorOf(error), ...extra }) };
    }
    if (!post) return { cards, run: finish({ status: "printed", deliveries: [], ...extra }) };
    const ok = deliveries.filter((d) => d.receipt).length;
    const status =
      deliveries.length > 0 && ok === deliveries.length && audienceErrors.length === 0
        ? "delivered"
        : ok > 0
          ? "partial"
          : "failed";
    return { cards, run: finish({ status, deliveries, ...extra }) };
  }

  // One span per firing (docs/tracing.md): the connector calls and posts of the run are its children.
  const fire = (name: DigestName, slot: number): Promise<RunRecord> =>
    inSpan(`digest ${name}`, { attributes: { "daybook.digest": name } }, async (span) => {
      const run = await fireOnce(name, slot);
      span.setAttribute("daybook.digest.status", run.status);
      if (run.status === "failed") markError(span, "digest_failed");
      return run;
    });

  async function fireOnce(name: DigestName, slot: number): Promise<RunRecord> {
    const slotIso = new Date(slot).toISOString();
    const skip = (skipped: NonNullable<RunRecord["skipped"]>): RunRecord => {
      const now = new Date(clock.now()).toISOString();
      return {
        id: randomUUID(),
        digest: name,
        trigger: "schedule",
        slot: slotIso,
        startedAt: now,
        finishedAt: now,
        durationMs: 0,
        status: "skipped",
        skipped,
        deliveries: [],
      };
    };
    if (!org.digests[name]?.enabled) return record(skip("disabled"));
    // Exactly one replica wins the slot; the key outlives any clock skew between replicas.
    const won = await store.setIfAbsent(`${prefix}lock:${name}:${slotIso}`, "1", { ttlMs: lockTtlMs });
    if (!won) {
      logger.debug("slot taken by another replica", { digest: name, slot: slotIso });
      return skip("slot_taken");
    }
    // A previous firing still running (slow upstream) makes this one a skip, not a second post.
    const runningKey = `${prefix}running:${name}`;
    const free = await store.setIfAbsent(runningKey, slotIso, { ttlMs: runTtlMs });
    if (!free) return record(skip("overlap"));
    try {
      const { run } = await execute(name, "schedule", true, {}, slot);
      return await record(run);
    } finally {
      // Only release our own guard: after runTtlMs a later firing may hold the key.
      await store.deleteIfEquals(runningKey, slotIso).catch((error: unknown) => {
        logger.warn("could not release the digest run guard", { digest: name, error: toDaybookError(error).message });
      });
    }
  }

  async function checkAudiences(): Promise<Awaited<ReturnType<Scheduler["checkAudiences"]>>> {
    const problems: Awaited<ReturnType<Scheduler["checkAudiences"]>> = [];
    for (const name of scheduled) {
      const { refused } = await admit(name, targetsFor(name));
      for (const r of refused) {
        problems.push({ digest: name, channel: r.channel, platform: r.platform, reason: r.error?.message ?? "" });
      }
    }
    return problems;
  }

  return {
    scheduled,
    fire,
    checkAudiences,
    start() {
      if (tasks.size > 0) return;
      // Channels whose members cannot see a digest are named at start-up, not first at its firing.
      void checkAudiences().catch((error: unknown) =>
        logger.warn("could not check digest audiences at start-up", { code: toDaybookError(error).code }),
      );
      for (const name of scheduled) {
        const config = org.digests[name];
        if (!config) continue;
        const timezone = config.timezone ?? org.timezone;
        const task = nodeCron.schedule(
          config.cron,
          async (context) => {
            const slot = slotOf(context.date);
            if (options.dispatch) {
              try {
                await options.dispatch(name, slot);
                return;
              } catch (error) {
                logger.warn("could not queue a digest firing; running it here", {
                  digest: name,
                  code: toDaybookError(error).code,
                });
              }
            }
            const run = fire(name, slot);
            firing.add(run);
            try {
              await run;
            } catch (error) {
              // A lock or store failure: nothing was posted; the next slot tries again.
              logger.error("digest firing failed", {
                digest: name,
                code: toDaybookError(error).code,
                error: toDaybookError(error).message,
              });
            } finally {
              firing.delete(run);
            }
          },
          { timezone, name: `daybook:${name}`, noOverlap: true, logger: cronLogger },
        );
        tasks.set(name, task);
        logger.info("digest scheduled", {
          digest: name,
          cron: config.cron,
          timezone,
          next: task.getNextRun()?.toISOString(),
        });
      }
    },
    /** Stops new firings, then waits for firings in progress so their posts and run log finish. */
    async stop() {
      const all = [...tasks.values()];
      tasks.clear();
      await Promise.all(all.map((t) => t.destroy()));
      await Promise.allSettled([...firing]);
    },
    async runNow(name, runOptions) {
      const { post, ...rest } = runOptions;
      const { cards, run } = await execute(name, "manual", post, { ...rest, ...(post ? {} : { preview: true }) });
      await record(run);
      const [card] = cards;
      if (!card) {
        throw new DaybookError("internal", `digest ${name} failed: ${run.error?.message ?? "no card"}`, {
          userMessage: `The ${name} digest could not be built; see the logs.`,
        });
      }
      return { card, cards, run };
    },
    nextRun(name) {
      return tasks.get(name)?.getNextRun() ?? undefined;
    },
    async runLog(name, limit = 50) {
      const raw = await store.range(`${prefix}runs:${name}`, -limit, -1);
      return raw.map((r) => JSON.parse(r) as RunRecord).reverse();
    },
  };
}
