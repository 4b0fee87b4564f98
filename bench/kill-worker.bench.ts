/**
 * Kill -9 benchmark (issue 11): does an acknowledged event survive the death of the process
 * working on it?
 *   split: `start --role web` and `start --role worker` on one Redis; the worker is killed
 *          with SIGKILL in the middle of a burst and started again at once
 *   all:   one `start` process (web and worker) is killed and started again on the same port;
 *          deliveries during its downtime fail, and Slack would redeliver those, so the bench
 *          sends each failed or late (> 3 s) delivery once more as Slack's retry 1
 * Then it waits until every acknowledged event is answered (or answers stop) and counts
 * events lost (acked, never answered) and answered twice; both must be 0.
 * Env: BENCH_KILL_RATE (300), BENCH_KILL_SECONDS (10), BENCH_REDIS_DB (11), as burst.bench.ts.
 */
import { randomUUID } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { fmt, table } from "./stats.ts";
import { type FakeSlack, startFakeSlack } from "./support/fake-slack.ts";
import { type DriverResult, runDriver } from "./support/open-loop.ts";
import { awaitAnswers, slackAckDeadlineMs } from "./support/replies.ts";
import { type BenchEvent, benchEvents } from "./support/slack-events.ts";
import {
  benchLimits,
  benchRedisUrl,
  daybookHasRoles,
  daybookLabel,
  flushBenchRedis,
  freePort,
  type Role,
  startDaybook,
  type Target,
} from "./support/targets.ts";

// Fast enough that work is queued when the kill lands (at 100/s the offline agent keeps up, so nothing is at risk).
const rate = Number(process.env.BENCH_KILL_RATE ?? 300);
const seconds = Number(process.env.BENCH_KILL_SECONDS ?? 10);

interface KillRun {
  variant: string;
  acked: number;
  failedAcks: number;
  /** Acked before the kill but not answered by then: the work the kill put at risk. */
  atRisk: number;
  lost: number;
  twice: number;
  /** Of the deliveries that failed or were late, how many Slack's retry got answered. */
  retried: number;
  retriedAnsweredOnce: number;
  restartS: number;
  /** Kill to the last answer of an event that was at risk. */
  recoverS: number;
  /** Last due delivery to the last answer. */
  drainS: number;
  allAnswered: boolean;
  /** The first few events acked (first time or on retry) and never answered. */
  unanswered: string[];
  answeredTwice: string[];
}

const posts = (fake: FakeSlack, e: BenchEvent) => fake.threads.get(e.ts)?.posts ?? 0;

async function killRun(variant: "split" | "all", redisUrl: string): Promise<KillRun> {
  const fake = await startFakeSlack();
  if (!(await flushBenchRedis(redisUrl))) throw new Error(`Redis at ${redisUrl} stopped answering`);
  const port = await freePort();
  const start = (role: Role | undefined) =>
    startDaybook({
      redisUrl,
      slackApiUrl: fake.apiUrl,
      env: benchLimits,
      port: role === "worker" ? undefined : port,
      ...(role ? { role } : {}),
    });
  const web = variant === "split" ? await start("web") : undefined;
  let victim: Target = variant === "split" ? await start("worker") : await start(undefined);
  const url = `http://127.0.0.1:${port}/slack/events`;
  try {
    const warm = { run: `w${randomUUID().slice(0, 6)}`, tsBase: 1700000000, rate: 20, seconds: 1 };
    await runDriver({ url, ...warm });
    await awaitAnswers(fake, benchEvents(warm.run, 20, warm.tsBase), { quietMs: 20_000, maxMs: 60_000, settleMs: 500 });

    const burst = { url, run: randomUUID().slice(0, 8), tsBase: 1730000000, rate, seconds };
    let killAt = 0;
    let restartedAt = 0;
    let restarting: Promise<void> = Promise.resolve();
    const result: DriverResult = await runDriver(burst, (startEpoch) => {
      const timer = setTimeout(
        () => {
          restarting = (async () => {
            killAt = Date.now();
            await victim.kill9();
            victim = await start(variant === "split" ? "worker" : undefined);
            restartedAt = Date.now();
          })();
        },
        startEpoch + (seconds * 1000) / 2 - Date.now(),
      );
      timer.unref();
    });
    await restarting;
    const events = benchEvents(burst.run, result.sent, burst.tsBase);
    const ackedAt = (i: number) => result.startEpoch + (i * 1000) / rate + (result.latencyMs[i] ?? 0);
    const acked = events.filter((_, i) => result.outcome[i] === "ok");
    // Slack redelivers what was not acked in 3 s; the restarted process must answer each once.
    const late = events
      .map((_, i) => i)
      .filter((i) => result.outcome[i] !== "ok" || (result.latencyMs[i] ?? 0) > slackAckDeadlineMs);
    const retry = late.length > 0 ? await runDriver({ ...burst, indices: late, retryNum: 1 }) : undefined;
    const retryOutcome = new Map(late.map((i, j) => [i, retry?.outcome[j] ?? "error"]));
    // Expected to be answered: every event that got a 2xx, first time or on Slack's retry.
    const expected = events.filter((_, i) => result.outcome[i] === "ok" || retryOutcome.get(i) === "ok");
    const allAnswered = await awaitAnswers(fake, expected, {
      quietMs: Number(process.env.BENCH_DRAIN_QUIET_S ?? 120) * 1000,
    });
    const describe = (pick: (e: BenchEvent, i: number) => boolean) =>
      events
        .map((e, i) => ({ e, i }))
        .filter(({ e, i }) => pick(e, i))
        .slice(0, 5)
        .map(({ i }) => {
          const due = result.startEpoch + (i * 1000) / rate - killAt;
          const first = result.outcome[i] === "ok" ? `acked in ${fmt(result.latencyMs[i] ?? 0, 0)} ms` : "failed";
          return `#${i} (due ${fmt(due / 1000, 2)} s from the kill; first delivery ${first}; retry ${retryOutcome.get(i) ?? "not sent"})`;
        });
    const unanswered = describe(
      (e, i) => posts(fake, e) === 0 && (result.outcome[i] === "ok" || retryOutcome.get(i) === "ok"),
    );
    const answeredTwice = describe((e) => posts(fake, e) > 1);
    const atRisk = events.filter(
      (e, i) =>
        result.outcome[i] === "ok" && ackedAt(i) < killAt && !((fake.threads.get(e.ts)?.firstAt ?? Infinity) < killAt),
    );
    const lastAt = (list: BenchEvent[]) => Math.max(0, ...list.map((e) => fake.threads.get(e.ts)?.lastAt ?? 0));
    return {
      variant,
      acked: acked.length,
      failedAcks: result.sent - acked.length,
      atRisk: atRisk.length,
      lost: expected.filter((e) => posts(fake, e) === 0).length,
      twice: events.filter((e) => posts(fake, e) > 1).length,
      retried: late.length,
      retriedAnsweredOnce: late.filter((i) => posts(fake, events[i] as BenchEvent) === 1).length,
      restartS: (restartedAt - killAt) / 1000,
      // Never recovered while an at-risk event is still unanswered.
      recoverS: atRisk.some((e) => posts(fake, e) === 0)
        ? Number.NaN
        : atRisk.length
          ? (lastAt(atRisk) - killAt) / 1000
          : 0,
      drainS: (lastAt(events) - result.lastDueEpoch) / 1000,
      allAnswered,
      unanswered,
      answeredTwice,
    };
  } finally {
    await victim.stop();
    await web?.stop();
    await fake.close();
  }
}

async function main(): Promise<void> {
  const redisUrl = benchRedisUrl();
  const loadStart = loadavg().map((l) => l.toFixed(2));
  if (!(await flushBenchRedis(redisUrl))) {
    process.stdout.write(`Kill bench skipped: no Redis at ${redisUrl} (set REDIS_URL).\n`);
    return;
  }
  const runs: KillRun[] = [];
  const roles = daybookHasRoles();
  const notes: string[] = [];
  const variants = (process.env.BENCH_KILL_VARIANTS ?? "split,all").split(",");
  if (roles && variants.includes("split")) runs.push(await killRun("split", redisUrl));
  else if (!roles)
    notes.push(
      "split variant SKIPPED: src/main.ts has no `start --role web|worker` yet (it would ignore the flag and start two full processes), so there is no worker process to kill.",
    );
  if (variants.includes("all")) runs.push(await killRun("all", redisUrl));

  const lines: string[] = [];
  for (const r of runs) {
    const name = r.variant === "split" ? "kill -9 worker (web stays up)" : "kill -9 the single all-role process";
    lines.push(
      `HEADLINE: ${name} mid-burst at ${rate} req/s: **${r.lost} lost, ${r.twice} answered twice** (target 0 and 0) of ${r.acked} acked, ${r.atRisk} at risk at the kill; ${Number.isNaN(r.recoverS) ? "never recovered (at-risk work lost)" : `recovered ${fmt(r.recoverS, 1)} s after the kill`}${r.failedAcks ? `; ${r.failedAcks} acks failed while down (Slack retries them; ${r.retriedAnsweredOnce} of ${r.retried} retried deliveries answered once)` : ""}`,
    );
  }
  for (const r of runs) {
    if (r.unanswered.length) lines.push(`- ${r.variant}: acked but never answered: ${r.unanswered.join("; ")}`);
    if (r.answeredTwice.length) lines.push(`- ${r.variant}: answered twice: ${r.answeredTwice.join("; ")}`);
  }
  lines.push(
    ...notes.map((n) => `- ${n}`),
    "",
    `Machine: ${availableParallelism()} CPUs; load average (1/5/15 min) ${loadStart.join(" / ")} at the start, ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")} at the end.`,
    "",
    `Open-loop burst of ${rate} signed app_mention req/s for ${seconds} s (real questions, as burst.bench.ts) against ${daybookLabel()}; SIGKILL at ${seconds / 2} s, restarted at once. Deliveries that failed or took over 3 s are then sent again as Slack's retry 1 (same event_id, X-Slack-Retry-Num: 1). Lost = acked with a 2xx (first time or on the retry) and never answered; twice = more than one post in the event's thread.`,
    "",
    table(
      [
        "variant",
        "acked",
        "failed acks",
        "at risk at kill",
        "lost",
        "answered twice",
        "retried: answered once",
        "restart",
        "recover",
        "drain",
        "all answered",
      ],
      runs.map((r) => [
        r.variant,
        r.acked,
        r.failedAcks,
        r.atRisk,
        r.lost,
        r.twice,
        `${r.retriedAnsweredOnce} of ${r.retried}`,
        `${fmt(r.restartS, 1)} s`,
        Number.isNaN(r.recoverS) ? "never" : `${fmt(r.recoverS, 1)} s`,
        `${fmt(r.drainS, 1)} s`,
        r.allAnswered ? "yes" : "no (gave up waiting)",
      ]),
    ),
    "",
    "At risk = acked before the kill and not yet answered at that moment. Restart = SIGKILL to the new process being ready; recover = SIGKILL to the last answer of an at-risk event; drain = last due delivery to the last answer.",
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`kill-worker bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
