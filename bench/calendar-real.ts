/**
 * npm run sweep:real [-- <max dates> | <ISO date prefix>...]
 *
 * The calendar sweep against the real server process: for each date of the sweep
 * (test/support/sweep-dates.ts), `node src/main.ts` runs under libfaketime (Debian package
 * `faketime`) at that date, with Slack configured against a local fake of the Slack Web API.
 * Every digest is scheduled for that minute and posts to Slack channels; then "help", its
 * example questions and period questions arrive as signed app_mention events over a real
 * socket. Prints one line per date and a summary; exits 1 if any reply or digest failed.
 * Not part of `npm test` (it takes minutes); the in-process sweep in test/calendar-sweep/ is.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { closeMonth, monthLabel } from "../src/core/period.ts";
import { replyFailure } from "../test/support/sweep.ts";
import { sweepDates } from "../test/support/sweep-dates.ts";

const secret = "sweep-signing-secret";
const args = process.argv.slice(2);
// A number caps how many dates run; other arguments pick dates by prefix ("2028-03-01T00").
const limit = Number(args[0]) || Number.POSITIVE_INFINITY;
const picked = args.filter((a) => Number.isNaN(Number(a)));
const channels = {
  engineering: "C0ENG",
  sales: "C0SALES",
  success: "C0SUCCESS",
  finance: "C0FIN",
  leadership: "C0LEAD",
};

if (spawnSync("faketime", ["--version"]).error) {
  process.stderr.write("faketime is not installed: apt-get install faketime\n");
  process.exit(2);
}

interface Post {
  channel: string;
  ts: string;
  text: string;
  thread?: string;
  /** The turn's "Working on it…" (metadata placeholder: true) until chat.update replaces it. */
  placeholder: boolean;
}

const isPlaceholder = (args: Record<string, unknown>): boolean => {
  const raw = args.metadata;
  const meta = (typeof raw === "string" ? JSON.parse(raw) : raw) as
    | { event_payload?: { placeholder?: unknown } }
    | undefined;
  return meta?.event_payload?.placeholder === true;
};

/** A Slack Web API that records what daybook posts. */
async function fakeSlack(): Promise<{ url: string; posts: Post[]; close(): void }> {
  const posts: Post[] = [];
  let seq = 0;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const args: Record<string, unknown> = (req.headers["content-type"] ?? "").includes("json")
        ? JSON.parse(raw || "{}")
        : Object.fromEntries(new URLSearchParams(raw));
      const method = (req.url ?? "").replace(/^\/api\//, "");
      const blocks = typeof args.blocks === "string" ? args.blocks : JSON.stringify(args.blocks ?? []);
      const text = `${String(args.text ?? "")}\n${blocks}`;
      let ts = `1800000000.${String(++seq).padStart(6, "0")}`;
      if (method === "chat.postMessage") {
        posts.push({
          channel: String(args.channel),
          ts,
          text,
          placeholder: isPlaceholder(args),
          ...(args.thread_ts ? { thread: String(args.thread_ts) } : {}),
        });
      } else if (method === "chat.update") {
        // An edit replaces the message it names (a placeholder becomes the answer), as Slack does.
        ts = String(args.ts);
        const edited = posts.find((p) => p.ts === ts && p.channel === String(args.channel));
        if (edited) Object.assign(edited, { text, placeholder: isPlaceholder(args) });
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, channel: args.channel, ts, message_ts: ts, user: { tz: "UTC" } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts, close: () => server.close() };
}

function orgFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "daybook-sweep-"));
  const path = join(dir, "org.yaml");
  // The demo organisation, its channels on Slack and every digest due this minute.
  const org = {
    ...demoOrg,
    // Each keeps the demo's audience; questions are asked in C0ASK, declared as alex's (all domains).
    channels: {
      ...Object.fromEntries(
        Object.entries(channels).map(([name, id]) => [
          name,
          { slack: id, audience: demoOrg.channels[name]?.audience ?? [] },
        ]),
      ),
      ask: { slack: "C0ASK", audience: ["jira", "crm", "accounting"] },
    },
    digests: Object.fromEntries(
      Object.entries(demoOrg.digests).map(([name, d]) => [name, { ...d, cron: "* * * * *", enabled: true }]),
    ),
  };
  writeFileSync(path, stringify(org));
  return path;
}

function startServer(fakeAt: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn("faketime", ["-f", `@${fakeAt}`, process.execPath, "src/main.ts"], {
      env: { ...process.env, ...env, TZ: "UTC" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /"msg":"daybook listening"[^\n]*"port":(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`server exited (${code}): ${out.slice(-600)}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ask(port: number, slack: { posts: Post[] }, text: string, n: number, nowSec: number): Promise<string> {
  const ts = `${nowSec}.${String(n).padStart(6, "0")}`;
  const body = JSON.stringify({
    type: "event_callback",
    team_id: "T0DEMO",
    api_app_id: "A0DAYBOOK",
    event_id: `EvSweep${nowSec}${n}`,
    event_time: nowSec,
    event: { type: "app_mention", user: "U0DEMOALEX", text: `<@U0BOT> ${text}`, ts, channel: "C0ASK", event_ts: ts },
    authorizations: [{ team_id: "T0DEMO", user_id: "U0BOT", is_bot: true }],
  });
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(nowSec),
      "x-slack-signature": signSlackRequest(secret, nowSec, body),
    },
  });
  if (res.status !== 200) return `HTTP ${res.status}`;
  for (let i = 0; i < 200; i++) {
    const replies = slack.posts.filter((p) => p.thread === ts && !p.placeholder && !/thinking|looking/i.test(p.text));
    if (replies.length > 0) return replies.map((p) => p.text).join("\n");
    await sleep(50);
  }
  return "no reply within 10 s";
}

interface DateResult {
  iso: string;
  digests: number;
  questions: number;
  failures: string[];
}

async function runDate(iso: string): Promise<DateResult> {
  const slack = await fakeSlack();
  const at = Date.parse(iso);
  // Start 12 s before the minute, so every-minute digests fire at the sweep's minute.
  const minute = Math.floor(at / 60_000) * 60_000;
  const fakeAt = new Date(minute - 12_000).toISOString().replace("T", " ").slice(0, 19);
  const failures: string[] = [];
  const { child, port } = await startServer(fakeAt, {
    PORT: "0",
    LOG_LEVEL: "info",
    DAYBOOK_CONFIG: orgFile(),
    SLACK_SIGNING_SECRET: secret,
    SLACK_BOT_TOKEN: "xoxb-sweep",
    SLACK_API_URL: `${slack.url}/api/`,
  });
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && new Set(slack.posts.filter((p) => !p.thread).map((p) => p.channel)).size < 5)
      await sleep(200);
    const digestPosts = slack.posts.filter((p) => !p.thread);
    const digestChannels = new Set(digestPosts.map((p) => p.channel));
    if (digestChannels.size < 5) failures.push(`digests posted to ${digestChannels.size} of 5 channels`);
    for (const p of digestPosts) {
      const bad = replyFailure(p.text);
      if (bad) failures.push(`digest in ${p.channel}: ${bad}`);
    }
    const closing = monthLabel(closeMonth(minute, "UTC"));
    // Every post to the finance channel, not the first: a chart's fallback text or a later
    // edit can arrive before the digest's own message on a loaded machine.
    const finance = digestPosts.filter((p) => p.channel === channels.finance);
    if (!finance.some((p) => p.text.includes(closing)))
      failures.push(
        `close digest is not about ${closing}: ${finance.length} finance posts, first "${(finance[0]?.text ?? "").slice(0, 160)}"`,
      );

    const nowSec = Math.floor(minute / 1000) + 5;
    let n = 0;
    const help = await ask(port, slack, "help", ++n, nowSec);
    const examples = [...help.matchAll(/(?:^|\\n|\n)- _?([^_\n\\]+?)_?(?=\\n|\n|$)/g)].map((m) => m[1] as string);
    const questions = [
      ...examples.slice(0, 4),
      "what's left for the close?",
      "show the P&L for last month",
      "P&L this quarter",
      "P&L year to date",
    ];
    for (const q of questions) {
      const reply = await ask(port, slack, q, ++n, nowSec);
      const bad = replyFailure(reply) ?? (reply.length < 20 ? `short reply "${reply}"` : undefined);
      if (bad) failures.push(`"${q}": ${bad}`);
    }
    return { iso, digests: digestChannels.size, questions: questions.length + 1, failures };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    slack.close();
  }
}

const dates = sweepDates()
  .filter((iso) => picked.length === 0 || picked.some((p) => iso.startsWith(p)))
  .slice(0, limit);
const results: DateResult[] = [];
for (const iso of dates) {
  const started = Date.now();
  const r = await runDate(iso).catch((error: unknown) => ({
    iso,
    digests: 0,
    questions: 0,
    failures: [String(error)],
  }));
  results.push(r);
  process.stdout.write(
    `${iso}  digests ${r.digests}/5  questions ${r.questions}  ${r.failures.length === 0 ? "ok" : `FAILED: ${r.failures.join(" | ")}`}  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
}
const failed = results.filter((r) => r.failures.length > 0);
process.stdout.write(
  `\n${results.length} dates, ${results.reduce((s, r) => s + r.digests, 0)} digests posted, ${results.reduce((s, r) => s + r.questions, 0)} questions answered; ${failed.length} dates with failures\n`,
);
process.exit(failed.length > 0 ? 1 : 0);
