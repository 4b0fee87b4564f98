/**
 * Burst benchmark (issue 11): do Slack acks wait for work?
 *   A) the composed app, `node src/main.ts start` with Slack configured, Redis and a local fake
 *      Slack Web API: the real listeners, bot and (offline) agent answering real questions
 *   B) Bolt's stock HTTPReceiver with an app_mention listener that posts one line
 * The same open-loop driver (bench/support/open-loop.ts, its own process) sends signed
 * app_mention events at 300 and then 500 per second for 10 s, each a question from the demo
 * organisation's set, from its people, across 8 channels. Latency counts from each delivery's
 * due time. Every event's thread is then watched on the fake Slack until answers stop, to count
 * events answered never, once and more than once (a busy notice counts as an answer).
 * Env: BENCH_BURST_RATES (default "300,500"), BENCH_BURST_SECONDS (10), BENCH_CONNECTIONS (1024),
 * BENCH_REDIS_DB (11, flushed before each target), BENCH_LOG_LEVEL (info, as `npm start`).
 */
import { randomUUID } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { fmt, table } from "./stats.ts";
import { startFakeSlack } from "./support/fake-slack.ts";
import { runDriver } from "./support/open-loop.ts";
import {
  type AckSummary,
  type AnswerSummary,
  ackSummary,
  answerSummary,
  awaitAnswers,
  drainSeconds,
} from "./support/replies.ts";
import { benchEvents } from "./support/slack-events.ts";
import {
  benchLimits,
  benchRedisUrl,
  daybookHasRoles,
  daybookLabel,
  daybookNodeArgs,
  flushBenchRedis,
  type Role,
  startBolt,
  startDaybook,
  type Target,
} from "./support/targets.ts";

const rates = (process.env.BENCH_BURST_RATES ?? "300,500")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const seconds = Number(process.env.BENCH_BURST_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 1024);

interface Measured {
  ack: AckSummary;
  answers: AnswerSummary;
  drainS: number;
  allAnswered: boolean;
  peakRssMiB: number;
  load: number[];
}

const errorCodes = (ack: AckSummary) => {
  const codes = Object.entries(ack.errors).map(([code, n]) => `${code} ${n}`);
  return codes.length ? `: ${codes.join(", ")}` : "";
};

const load = () => loadavg().map((l) => l.toFixed(2));

/** The first target receives the burst; any others (a worker role) run beside it. */
async function measure(
  start: (slackApiUrl: string) => Promise<Target[]>,
  rate: number,
  redisUrl: string,
): Promise<Measured> {
  const fake = await startFakeSlack();
  if (!(await flushBenchRedis(redisUrl))) throw new Error(`Redis at ${redisUrl} stopped answering`);
  const targets = await start(fake.apiUrl);
  const target = targets[0] as Target;
  try {
    const url = target.url as string;
    // Warm-up (JIT, connections, Redis) on threads of its own, answered before the burst.
    const warm = { run: `w${randomUUID().slice(0, 6)}`, tsBase: 1700000000, rate: 20, seconds: 1 };
    await runDriver({ url, connections, ...warm });
    await awaitAnswers(fake, benchEvents(warm.run, 20, warm.tsBase), { quietMs: 20_000, maxMs: 60_000, settleMs: 500 });

    const burst = { run: randomUUID().slice(0, 8), tsBase: 1710000000 + rate, rate, seconds };
    const result = await runDriver({ url, connections, ...burst });
    const events = benchEvents(burst.run, result.sent, burst.tsBase);
    const loadAfterBurst = loadavg();
    const allAnswered = await awaitAnswers(fake, events);
    return {
      ack: ackSummary(result),
      answers: answerSummary(fake, events),
      drainS: drainSeconds(fake, events, result.lastDueEpoch),
      allAnswered,
      peakRssMiB: targets.reduce((sum, t) => sum + t.peakRssMiB(), 0),
      load: loadAfterBurst,
    };
  } finally {
    for (const t of targets) await t.stop();
    await fake.close();
  }
}

async function main(): Promise<void> {
  const redisUrl = benchRedisUrl();
  const loadStart = load();
  if (!(await flushBenchRedis(redisUrl))) {
    process.stdout.write(
      `Burst bench skipped: no Redis at ${redisUrl} (set REDIS_URL; the bench uses database BENCH_REDIS_DB=11 and empties it).\n`,
    );
    return;
  }
  // Web and worker roles in two processes: shows how much of the ack time is turns running on
  // the same event loop as the receiver (same machine, so they still share the CPUs).
  const split = daybookHasRoles() && process.env.BENCH_BURST_SPLIT !== "0";
  const rows: { rate: number; a: Measured; b: Measured; w: Measured | undefined }[] = [];
  for (const rate of rates) {
    const b = await measure(async (api) => [await startBolt(api)], rate, redisUrl);
    const daybook = (api: string, role?: Role) =>
      startDaybook({ redisUrl, slackApiUrl: api, env: benchLimits, ...(role ? { role } : {}) });
    const a = await measure(async (api) => [await daybook(api)], rate, redisUrl);
    const w = split
      ? await measure(async (api) => [await daybook(api, "web"), await daybook(api, "worker")], rate, redisUrl)
      : undefined;
    rows.push({ rate, a, b, w });
  }
  const ms = (n: number) => (n >= 1000 ? `${fmt(n / 1000, 2)} s` : `${fmt(n, 1)} ms`);
  const answered = (m: Measured) =>
    `${m.answers.none} / ${m.answers.once} / ${m.answers.twiceOrMore}${m.answers.notices ? ` (${m.answers.notices} busy notices)` : ""}`;
  const lines: string[] = [];
  for (const { rate, a, b, w } of rows) {
    const ratio = a.ack.p99 / b.ack.p99;
    const exact = a.answers.once === a.answers.events;
    lines.push(
      `HEADLINE: burst ${rate} req/s x ${seconds} s: daybook ack p99 ${ms(a.ack.p99)} vs Bolt ${ms(b.ack.p99)} = **${fmt(ratio, 1)}x** (target <= 2x)${w ? ` (web role beside a worker process: ${fmt(w.ack.p99 / b.ack.p99, 1)}x)` : ""}; answered exactly once: ${exact ? "all" : `${a.answers.once} of ${a.answers.events}`} (none ${a.answers.none}, twice+ ${a.answers.twiceOrMore}; ${a.answers.notices} of them busy notices); drain ${fmt(a.drainS, 1)} s; peak RSS ${fmt(a.peakRssMiB, 0)} MiB`,
    );
  }
  lines.push(
    "",
    `Machine: ${availableParallelism()} CPUs; load average (1/5/15 min) ${loadStart.join(" / ")} at the start, ${load().join(" / ")} at the end. The driver, both targets, the fake Slack and Redis share these CPUs.`,
    "",
    `Open-loop driver in its own process (undici, up to ${connections} sockets), signed app_mention events, each a real question from the demo organisation's people across 8 channels; latency from each delivery's due time. Target A is \`${["node", ...daybookNodeArgs(), "src/main.ts", "start"].join(" ")}\` (as \`npm start\` runs it) from ${daybookLabel()} (NODE_ENV=production, LOG_LEVEL=${process.env.BENCH_LOG_LEVEL ?? "info"}, Redis database ${new URL(redisUrl).pathname.slice(1)}, fake Slack Web API); limits set out of the way: ${Object.entries(
      benchLimits,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(
        ", ",
      )}. Target B is Bolt's stock HTTPReceiver with a listener posting one line. Each target is a fresh process, warmed with 20 events first.`,
    "",
    table(
      [
        "rate",
        "target",
        "ack p50",
        "ack p99",
        "ack max",
        "acks > 3 s or failed",
        "answered 0 / 1 / >1",
        "drain",
        "peak RSS",
        "load after burst",
      ],
      rows.flatMap(({ rate, a, b, w }) =>
        [
          ["daybook", a],
          ...(w ? [["daybook --role web + --role worker (RSS of both)", w]] : []),
          ["Bolt HTTPReceiver", b],
        ].map(([name, m]) => {
          const r = m as Measured;
          return [
            `${rate}/s`,
            name as string,
            ms(r.ack.p50),
            ms(r.ack.p99),
            ms(r.ack.max),
            `${r.ack.slackWouldRetry} of ${r.ack.sent}${r.ack.failed + r.ack.non2xx ? ` (${r.ack.failed} failed${errorCodes(r.ack)}, ${r.ack.non2xx} non-2xx)` : ""}`,
            `${answered(r)}${r.allAnswered ? "" : " (gave up waiting)"}`,
            `${fmt(r.drainS, 1)} s`,
            `${fmt(r.peakRssMiB, 0)} MiB`,
            r.load.map((l) => l.toFixed(1)).join(" / "),
          ];
        }),
      ),
    ),
    "",
    "Drain is the time from the last delivery's due time to the last answer. Slack redelivers an event not acked within 3 s, so a late ack also means more load; this driver does not send those retries.",
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`burst bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
