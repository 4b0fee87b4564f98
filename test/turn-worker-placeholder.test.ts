/**
 * Issue 14, item 6 at the protocol level: a queued Slack turn shows "Working on it…" as soon as
 * its worker takes it, and the answer replaces it (chat.update), once, across redeliveries; a
 * streamed answer edits it at most once a second; private replies are delivered once too. A
 * local fake Slack Web API keeps messages as Slack does (chat.update replaces text, blocks and
 * metadata; conversations.replies returns them with their metadata).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackChatAdapter } from "../adapters/slack/adapter.ts";
import { DraftBudget, slackDraftsPerMinute } from "../adapters/slack/stream.ts";
import { createWebClient } from "../adapters/slack/web-client.ts";
import { Bot } from "../src/bot/bot.ts";
import { TURN_JOB, turnKey } from "../src/bot/intake.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { type CrashPoints, createTurnWorker, draftEveryMs, placeholderText } from "../src/bot/turn-worker.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import type { Answerer } from "../src/core/answerer.ts";
import { textCard } from "../src/core/card.ts";
import type { IncomingMessage, MessageHandler, ReplyAddress } from "../src/core/chat.ts";
import { type Clock, fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { Job } from "../src/core/work-queue.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { secondOrgConfig } from "./support/sweep.ts";

function apiArgs(req: RecordedRequest): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("json")) return JSON.parse(req.body || "{}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return out;
}

type Message = { ts: string; channel: string; thread_ts?: string; text: string; blocks?: unknown; metadata?: unknown };

/** What a message shows: its blocks' text (the `text` field is only the notification fallback). */
const shown = (m: { text?: unknown; blocks?: unknown } | undefined) =>
  `${String(m?.text)} ${JSON.stringify(m?.blocks ?? [])}`;

const never = () => new Promise<void>(() => {});

describe("a queued Slack turn's placeholder", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let seq = 0;
  const messages: Message[] = [];
  let adapter: SlackChatAdapter;

  beforeAll(async () => {
    fake = await startFakeServer((req) => {
      const a = apiArgs(req);
      switch (req.path) {
        case "/api/chat.postMessage": {
          const ts = `1764600000.${String(++seq).padStart(6, "0")}`;
          messages.push({
            ts,
            channel: String(a.channel),
            ...(a.thread_ts ? { thread_ts: String(a.thread_ts) } : {}),
            text: String(a.text),
            ...(a.blocks ? { blocks: a.blocks } : {}),
            ...(a.metadata ? { metadata: a.metadata } : {}),
          });
          return { body: { ok: true, channel: a.channel, ts } };
        }
        case "/api/chat.update": {
          const m = messages.find((x) => x.ts === a.ts && x.channel === a.channel);
          if (!m) return { body: { ok: false, error: "message_not_found" } };
          m.text = String(a.text);
          m.blocks = a.blocks;
          if (a.metadata) m.metadata = a.metadata;
          return { body: { ok: true, channel: a.channel, ts: a.ts } };
        }
        case "/api/conversations.replies":
          return {
            body: {
              ok: true,
              messages: messages.filter((m) => m.thread_ts === a.ts && m.channel === a.channel),
              response_metadata: { next_cursor: "" },
            },
          };
        case "/respond":
          return { body: { ok: true } };
        case "/api/conversations.open":
          return { body: { ok: true, channel: { id: `D${String(a.users).slice(1)}` } } };
        default:
          return { body: { ok: true } };
      }
    });
    adapter = new SlackChatAdapter({
      client: createWebClient({ token: "xoxb-test", apiUrl: `${fake.url}/api/`, logger: silentLogger }),
    });
  });
  afterAll(async () => {
    await fake?.close();
  });

  const calls = (method: string, thread?: string) =>
    fake.requests
      .filter((r) => r.path === `/api/${method}`)
      .map(apiArgs)
      .filter((a) => thread === undefined || a.thread_ts === thread || messageIn(a, thread));
  /** A chat.update of a message in `thread`. */
  const messageIn = (a: Record<string, unknown>, thread: string) =>
    messages.some((m) => m.ts === a.ts && m.thread_ts === thread);
  const inThread = (thread: string) => messages.filter((m) => m.thread_ts === thread);

  let turnSeq = 0;
  function job(thread: string, deliveries = 1, text = "what's blocking the sprint?"): Job {
    const message: IncomingMessage = {
      thread: { platform: "slack", workspace: "T0DEMO", channel: "C0ENG", thread },
      user: { platform: "slack", id: "U0DEMOALEX" },
      text,
      messageId: thread,
      receivedAt: Date.now(),
    };
    const address: ReplyAddress = { platform: "slack", thread: message.thread };
    return {
      id: `1-${++turnSeq}`,
      kind: TURN_JOB,
      payload: { message, address },
      key: turnKey(message),
      enqueuedAt: Date.now(),
      deliveries,
    };
  }
  const nextThread = () => `1764590000.${String(++turnSeq).padStart(6, "0")}`;

  function worker(store: MemoryStore, handle: MessageHandler, crashPoints?: CrashPoints) {
    return createTurnWorker({
      adapters: { slack: adapter },
      handle,
      store,
      logger: silentLogger,
      ...(crashPoints ? { crashPoints } : {}),
    });
  }

  it("is posted, tagged, before the turn is answered, and the answer replaces it: one message in the thread", async () => {
    const store = new MemoryStore();
    const thread = nextThread();
    let seenWhenAnswering: Message[] = [];
    await worker(store, async (_m, responder) => {
      seenWhenAnswering = inThread(thread).map((m) => ({ ...m }));
      await responder.reply(textCard("The sprint is blocked by PROJ-12."));
    })(job(thread));
    expect(seenWhenAnswering).toHaveLength(1);
    expect(seenWhenAnswering[0]?.text).toBe(placeholderText);
    expect(seenWhenAnswering[0]?.metadata).toMatchObject({ event_payload: { placeholder: true } });
    expect(calls("chat.postMessage", thread)).toHaveLength(1);
    expect(calls("chat.update", thread)).toHaveLength(1);
    const [only] = inThread(thread);
    expect(inThread(thread)).toHaveLength(1);
    expect(only?.text).toContain("PROJ-12");
    // Now the tagged answer, no longer a placeholder.
    expect(
      (only?.metadata as { event_payload?: Record<string, unknown> } | undefined)?.event_payload?.placeholder,
    ).toBeUndefined();
  });

  for (const point of ["afterPlaceholder", "inTheAnswer"] as const) {
    it(`is not posted twice when the worker died ${point === "afterPlaceholder" ? "right after Slack took it" : "while answering"}, and the redelivery answers into it`, async () => {
      const store = new MemoryStore();
      const thread = nextThread();
      const first = worker(
        store,
        async () => {
          if (point === "inTheAnswer") await never();
        },
        point === "afterPlaceholder" ? { afterPlaceholder: never } : undefined,
      );
      void first(job(thread));
      await new Promise((r) => setTimeout(r, 200));
      expect(inThread(thread)).toHaveLength(1);
      await worker(store, async (_m, responder) => {
        await responder.reply(textCard("The sprint is blocked by PROJ-12."));
      })(job(thread, 2));
      expect(calls("chat.postMessage", thread)).toHaveLength(1);
      expect(inThread(thread)).toHaveLength(1);
      expect(inThread(thread)[0]?.text).toContain("PROJ-12");
    });
  }

  it("posts nothing on a redelivery after the answer replaced the placeholder", async () => {
    const store = new MemoryStore();
    const thread = nextThread();
    const answer: MessageHandler = async (_m, responder) => {
      await responder.reply(textCard("The sprint is blocked by PROJ-12."));
    };
    await worker(store, answer)(job(thread));
    await worker(store, answer)(job(thread, 2));
    expect(calls("chat.postMessage", thread)).toHaveLength(1);
    expect(calls("chat.update", thread)).toHaveLength(1);
  });

  it("shows a streamed answer at most once a second, and the answer last", async () => {
    const store = new MemoryStore();
    const thread = nextThread();
    const words = Array.from({ length: 150 }, (_, i) => `word${i}`);
    const started = Date.now();
    await worker(store, async (_m, responder) => {
      let text = "";
      // 150 tokens 20 ms apart: a three-second answer.
      for (const w of words) {
        text += ` ${w}`;
        responder.draft?.(text.trim());
        await new Promise((r) => setTimeout(r, 20));
      }
      await responder.reply(textCard(text.trim()));
    })(job(thread));
    const seconds = (Date.now() - started) / 1000;
    const updates = calls("chat.update", thread);
    const drafts = updates.slice(0, -1);
    // One draft a second at most (plus the first, at once), and some were shown.
    expect(drafts.length).toBeGreaterThanOrEqual(2);
    expect(drafts.length).toBeLessThanOrEqual(Math.ceil(seconds / (draftEveryMs / 1000)) + 1);
    for (const d of drafts) expect(shown(d)).toMatch(/ …/);
    expect(shown(updates.at(-1))).toContain("word149");
    expect(shown(updates.at(-1))).not.toMatch(/ …/);
    expect(calls("chat.postMessage", thread)).toHaveLength(1);
  });

  it("sends a private reply once when the turn is delivered again", async () => {
    const store = new MemoryStore();
    const thread = nextThread();
    const privately: MessageHandler = async (message, responder) => {
      await responder.replyPrivately?.(message.user, textCard("Only for you: the invoices."));
      await responder.reply(textCard("I sent you the answer in a direct message."));
    };
    // The first delivery's worker dies after the DM went out, before the thread's note.
    void worker(store, async (message, responder) => {
      await responder.replyPrivately?.(message.user, textCard("Only for you: the invoices."));
      await never();
    })(job(thread));
    await new Promise((r) => setTimeout(r, 200));
    await worker(store, privately)(job(thread, 2));
    const dms = calls("chat.postMessage").filter(
      (a) => a.channel === "D0DEMOALEX" && /Only for you/.test(String(a.text)),
    );
    expect(dms).toHaveLength(1);
    expect(inThread(thread)).toHaveLength(1);
    expect(inThread(thread)[0]?.text).toMatch(/direct message/);
  });

  it("answers a /daybook where daybook may not post with an ephemeral placeholder that the answer replaces", async () => {
    const store = new MemoryStore();
    const j = job("");
    const payload = j.payload as { message: IncomingMessage; address: ReplyAddress };
    payload.message.thread = { ...payload.message.thread, thread: "" };
    payload.address = {
      platform: "slack",
      thread: payload.message.thread,
      via: { responseUrl: `${fake.url}/respond` },
    };
    delete payload.message.messageId;
    const before = fake.requests.filter((r) => r.path === "/respond").length;
    await worker(store, async (_m, responder) => {
      await responder.reply(textCard("The sprint is blocked by PROJ-12."));
    })({ ...j, key: undefined });
    const responses = fake.requests
      .filter((r) => r.path === "/respond")
      .slice(before)
      .map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatchObject({ response_type: "ephemeral", text: placeholderText });
    expect(responses[0]?.replace_original).toBeUndefined();
    expect(responses[1]).toMatchObject({ response_type: "ephemeral", replace_original: true });
    expect(String(responses[1]?.text)).toContain("PROJ-12");
  });

  for (const [label, org, asker] of [
    ["the demo organisation", demoOrg, "U0DEMOALEX"],
    ["the second organisation", secondOrgConfig(), undefined],
  ] as const) {
    it(`replaces the placeholder with a short sentence and a trace id when the turn fails, on ${label}`, async () => {
      const store = new MemoryStore();
      const thread = nextThread();
      const failing: Answerer = {
        answer: async () => {
          throw new Error("TypeError: cannot read properties of undefined\n    at answer (agent.ts:12:3)");
        },
      };
      const clock: Clock = fixedClock(Date.parse("2026-11-23T09:00:00Z"));
      const bot = new Bot({
        answerer: failing,
        history: new ThreadHistory(store),
        principals: createPrincipalResolver(org),
        logger: silentLogger,
        clock,
      });
      const j = job(thread);
      if (!asker) (j.payload as { message: IncomingMessage }).message.user.id = firstSlackId(org);
      await worker(store, bot.handle)(j);
      expect(inThread(thread)).toHaveLength(1);
      const text = shown(inThread(thread)[0]);
      expect(text).not.toContain(placeholderText);
      expect(text).toMatch(/trace/);
      expect(text).not.toMatch(/\bat .*\.ts:\d+|TypeError/);
      expect(String(inThread(thread)[0]?.text).length).toBeLessThan(300);
    });
  }
});

/** A Slack id the organisation lists for someone. */
function firstSlackId(org: typeof demoOrg): string {
  return org.users.find((u) => u.slack)?.slack ?? "U0UNKNOWN";
}

describe("the Slack draft budget (chat.update is Tier 3, ~50 a minute per workspace)", () => {
  it("lets 40 draft edits a minute through per workspace, then skips them until the minute has passed", () => {
    let now = Date.parse("2026-11-23T09:00:00Z");
    const budget = new DraftBudget({ clock: { now: () => now } });
    let allowed = 0;
    for (let i = 0; i < 100; i++) {
      if (budget.take("T0ONE")) allowed++;
      now += 100;
    }
    expect(allowed).toBe(slackDraftsPerMinute);
    // Another workspace has its own budget.
    expect(budget.take("T0TWO")).toBe(true);
    now += 60_000;
    expect(budget.take("T0ONE")).toBe(true);
  });

  it("holds over a month-end date as over any other", () => {
    let now = Date.parse("2026-12-31T23:59:30Z");
    const budget = new DraftBudget({ perMinute: 2, clock: { now: () => now } });
    expect([budget.take("T"), budget.take("T"), budget.take("T")]).toEqual([true, true, false]);
    now += 60_000;
    expect(budget.take("T")).toBe(true);
  });
});
