/**
 * Signed Slack `app_mention` deliveries for the burst benches. The driver and the bench that
 * checks the replies both rebuild the same list from (run id, count), so no per-event data
 * crosses the process boundary: event i mentions the bot in channel C0BENCH<i % 8> with ts
 * `<base>.<i>`, and the bot's reply is recognised by that ts as its thread_ts.
 */
import { createHmac } from "node:crypto";

export const benchSigningSecret = "bench-signing-secret-0123456789abcdef";
export const benchTeam = "T0BENCH";
export const benchBotUser = "U0BENCHBOT";

/**
 * The demo organisation's people, each asking what their roles may see, so a reply is an
 * answer rather than a refusal (the offline model answers all of these from the demo data).
 */
const askers: { user: string; questions: string[] }[] = [
  {
    user: "U0DEMOALEX",
    questions: [
      "what's blocking the sprint?",
      "which deals need me today?",
      "what's left for the close?",
      "which customers might churn?",
    ],
  },
  { user: "U0DEMOMARIA", questions: ["what's blocking the sprint?", "how is the sprint going?"] },
  { user: "U0DEMOSARAH", questions: ["how is the sprint going?", "what's blocking the sprint?"] },
  { user: "U0DEMODAVID", questions: ["what's blocking the sprint?"] },
  { user: "U0DEMOSAM", questions: ["which deals need me today?"] },
  { user: "U0DEMOPRIYA", questions: ["which customers might churn?"] },
  { user: "U0DEMOFIONA", questions: ["what's left for the close?", "show me invoices without a purchase order"] },
];

export const benchChannels = 8;

export interface BenchEvent {
  eventId: string;
  /** The mention's ts, which the reply carries as thread_ts. */
  ts: string;
  user: string;
  channel: string;
  question: string;
}

/** `run` is a short unique string per burst; ts bases differ per run so threads never collide. */
export function benchEvents(run: string, count: number, tsBase: number): BenchEvent[] {
  const events: BenchEvent[] = [];
  for (let i = 0; i < count; i++) {
    const asker = askers[i % askers.length] as (typeof askers)[number];
    const question = asker.questions[Math.floor(i / askers.length) % asker.questions.length] as string;
    events.push({
      eventId: `Ev${run}${i}`,
      ts: `${tsBase}.${String(i).padStart(6, "0")}`,
      user: asker.user,
      channel: `C0BENCH${i % benchChannels}`,
      question,
    });
  }
  return events;
}

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

/** Slack request signing v0: https://api.slack.com/authentication/verifying-requests-from-slack */
export function signDelivery(event: BenchEvent, timestampSec: number, secret = benchSigningSecret): SignedDelivery {
  const body = JSON.stringify({
    token: "legacy",
    team_id: benchTeam,
    api_app_id: "A0BENCH",
    type: "event_callback",
    event_id: event.eventId,
    event_time: timestampSec,
    event: {
      type: "app_mention",
      user: event.user,
      text: `<@${benchBotUser}> ${event.question}`,
      ts: event.ts,
      event_ts: event.ts,
      channel: event.channel,
    },
    authorizations: [{ team_id: benchTeam, user_id: benchBotUser, is_bot: true }],
  });
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestampSec}:${body}`).digest("hex")}`;
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(timestampSec),
      "x-slack-signature": signature,
    },
  };
}
