/**
 * What happened to each event of a burst: how late its ack was (from the driver) and how
 * many times it was answered (from the fake Slack), plus waiting until the answers stop coming.
 */
import { percentile } from "../stats.ts";
import type { FakeSlack } from "./fake-slack.ts";
import type { DriverResult } from "./open-loop.ts";
import type { BenchEvent } from "./slack-events.ts";

/** Slack retries a delivery that is not acknowledged within 3 s: https://api.slack.com/apis/events-api#retries */
export const slackAckDeadlineMs = 3_000;

export interface AckSummary {
  sent: number;
  acked: number;
  non2xx: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
  /** Acks later than 3 s or not 2xx at all: Slack would deliver these again. */
  slackWouldRetry: number;
  errors: Record<string, number>;
}

export function ackSummary(result: DriverResult): AckSummary {
  const ok = result.latencyMs.filter((_, i) => result.outcome[i] === "ok");
  let late = 0;
  for (let i = 0; i < result.sent; i++) {
    if (result.outcome[i] !== "ok" || (result.latencyMs[i] ?? 0) > slackAckDeadlineMs) late++;
  }
  return {
    sent: result.sent,
    acked: ok.length,
    non2xx: result.outcome.filter((o) => o === "non2xx").length,
    failed: result.outcome.filter((o) => o === "error").length,
    p50: percentile(ok, 50),
    p99: percentile(ok, 99),
    max: ok.length ? Math.max(...ok) : Number.NaN,
    slackWouldRetry: late,
    errors: result.errors,
  };
}

export interface AnswerSummary {
  events: number;
  none: number;
  once: number;
  twiceOrMore: number;
  /** Events whose (only) post was a busy / too-many-requests notice. */
  notices: number;
  ephemeral: number;
}

export function answerSummary(fake: FakeSlack, events: BenchEvent[]): AnswerSummary {
  const out: AnswerSummary = { events: events.length, none: 0, once: 0, twiceOrMore: 0, notices: 0, ephemeral: 0 };
  for (const e of events) {
    const t = fake.threads.get(e.ts);
    const posts = t?.posts ?? 0;
    if (posts === 0) out.none++;
    else if (posts === 1) out.once++;
    else out.twiceOrMore++;
    if (t && t.notices > 0) out.notices++;
    if (t && t.ephemeral > 0) out.ephemeral++;
  }
  return out;
}

export interface DrainOptions {
  /** Give up when no new answer arrived for this long. */
  quietMs?: number;
  /** Give up after this long in any case. */
  maxMs?: number;
  /** After the last expected answer, keep listening this long for duplicates. */
  settleMs?: number;
}

/**
 * Resolves once every expected event has at least one post (then waits `settleMs` more so a
 * second answer would be seen), or when answers stop arriving. Returns whether all arrived.
 */
export async function awaitAnswers(
  fake: FakeSlack,
  expected: BenchEvent[],
  options: DrainOptions = {},
): Promise<boolean> {
  const quietMs = options.quietMs ?? Number(process.env.BENCH_DRAIN_QUIET_S ?? 90) * 1000;
  const maxMs = options.maxMs ?? Number(process.env.BENCH_DRAIN_MAX_S ?? 900) * 1000;
  const started = Date.now();
  let last = -1;
  let lastProgress = Date.now();
  for (;;) {
    const answered = expected.filter((e) => (fake.threads.get(e.ts)?.posts ?? 0) > 0).length;
    if (answered !== last) {
      last = answered;
      lastProgress = Date.now();
    }
    if (answered === expected.length) break;
    if (Date.now() - lastProgress > quietMs || Date.now() - started > maxMs) {
      await new Promise((r) => setTimeout(r, options.settleMs ?? 2_000));
      return false;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, options.settleMs ?? 2_000));
  return true;
}

/** Seconds from the last delivery's due time to the last answer to one of `events`. */
export function drainSeconds(fake: FakeSlack, events: BenchEvent[], lastDueEpoch: number): number {
  let lastAt = 0;
  for (const e of events) lastAt = Math.max(lastAt, fake.threads.get(e.ts)?.lastAt ?? 0);
  return lastAt ? (lastAt - lastDueEpoch) / 1000 : Number.NaN;
}
