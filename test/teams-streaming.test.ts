/**
 * Issue 14, item 6 on Teams, at the activity level: a queued turn in a 1:1 chat streams
 * (informative update, streaming updates, final message on the stream id) with at most one
 * request a second, a redelivered turn finishes the stream its dead worker opened instead of
 * opening a second one, and a group chat gets no placeholder (typing only). The Bot Framework
 * side is a recording sender: what each activity would carry to the connector.
 */
import type { Activity, ConversationReference } from "botbuilder";
import { describe, expect, it } from "vitest";
import { ConversationReferences } from "../adapters/teams/conversation-references.ts";
import type { ProactiveSender } from "../adapters/teams/proactive-sender.ts";
import { RenderedCards } from "../adapters/teams/rendered-cards.ts";
import { teamsStreamEveryMs } from "../adapters/teams/streaming.ts";
import { TeamsChatAdapter } from "../adapters/teams/teams-chat-adapter.ts";
import { TURN_JOB, turnKey } from "../src/bot/intake.ts";
import { createTurnWorker, placeholderText } from "../src/bot/turn-worker.ts";
import { textCard } from "../src/core/card.ts";
import type { IncomingMessage, MessageHandler } from "../src/core/chat.ts";
import { systemClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { Job } from "../src/core/work-queue.ts";
import { MemoryStore } from "../src/store/memory-store.ts";

type Sent = { kind: "send" | "update"; at: number; activity: Partial<Activity>; id: string };

function recordingSender() {
  const sent: Sent[] = [];
  let n = 0;
  const sender = {
    send: async (_reference: unknown, _thread: unknown, activity: Partial<Activity>) => {
      const id = `act-${++n}`;
      sent.push({ kind: "send", at: Date.now(), activity, id });
      return id;
    },
    update: async (_reference: unknown, _thread: unknown, id: string, activity: Partial<Activity>) => {
      sent.push({ kind: "update", at: Date.now(), activity, id });
    },
    members: async () => [],
    openPersonal: async () => "a:personal",
  };
  return { sent, sender: sender as unknown as ProactiveSender };
}

const info = (a: Partial<Activity>) =>
  a.channelData as { streamType?: string; streamId?: string; streamSequence?: number } | undefined;

const never = () => new Promise<void>(() => {});

let seq = 0;
function teamsJob(conversationType: "personal" | "groupChat", deliveries = 1, id = `in-${++seq}`): Job {
  const thread = {
    platform: "teams" as const,
    workspace: "tenant-1",
    channel: `a:${conversationType}-${id}`,
    thread: "",
  };
  const message: IncomingMessage = {
    thread,
    user: { platform: "teams", id: "aad-alex" },
    text: "what's blocking the sprint?",
    messageId: id,
    receivedAt: Date.now(),
  };
  const reference: Partial<ConversationReference> = {
    channelId: "msteams",
    serviceUrl: "https://smba.example/",
    conversation: {
      id: thread.channel,
      conversationType,
      tenantId: "tenant-1",
    } as ConversationReference["conversation"],
  };
  return {
    id: `1-${id}`,
    kind: TURN_JOB,
    payload: { message, address: { platform: "teams", thread, via: { reference: JSON.stringify(reference) } } },
    key: turnKey(message),
    enqueuedAt: Date.now(),
    deliveries,
  };
}

function world() {
  const store = new MemoryStore();
  const { sent, sender } = recordingSender();
  const adapter = new TeamsChatAdapter({
    sender,
    references: new ConversationReferences(store, systemClock),
    cards: new RenderedCards(store),
    clock: systemClock,
    logger: silentLogger,
  });
  const worker = (handle: MessageHandler) =>
    createTurnWorker({ adapters: { teams: adapter }, handle, store, logger: silentLogger });
  return { sent, worker };
}

describe("a queued Teams turn shows it is working", () => {
  it("streams in a 1:1 chat: informative update, streaming updates a second apart, final message on the stream id", async () => {
    const { sent, worker } = world();
    const words = Array.from({ length: 100 }, (_, i) => `part${i}`);
    await worker(async (_m, responder) => {
      let text = "";
      for (const w of words) {
        text = `${text} ${w}`.trim();
        responder.draft?.(text);
        await new Promise((r) => setTimeout(r, 25));
      }
      await responder.reply(textCard(text));
    })(teamsJob("personal"));
    const [informative, ...rest] = sent;
    expect(informative?.activity).toMatchObject({ type: "typing", text: placeholderText });
    expect(info(informative?.activity ?? {})).toEqual({ streamType: "informative", streamSequence: 1 });
    const streamId = informative?.id;
    const streaming = rest.filter((s) => info(s.activity)?.streamType === "streaming");
    expect(streaming.length).toBeGreaterThanOrEqual(1);
    expect(streaming.map((s) => info(s.activity)?.streamSequence)).toEqual(streaming.map((_, i) => i + 2));
    for (const s of streaming) expect(info(s.activity)?.streamId).toBe(streamId);
    const final = sent.at(-1);
    expect(final?.activity.type).toBe("message");
    expect(info(final?.activity ?? {})).toEqual({ streamType: "final", streamId });
    expect(JSON.stringify(final?.activity.attachments)).toContain("part99");
    // Teams takes one streaming request a second: every request of the stream is that far apart.
    for (let i = 1; i < sent.length; i++) {
      expect((sent[i]?.at ?? 0) - (sent[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(teamsStreamEveryMs - 15);
    }
    // No plain typing activity and no second message in the middle of the stream.
    expect(sent.filter((s) => s.activity.type === "message")).toHaveLength(1);
    expect(sent.filter((s) => s.activity.type === "typing" && !info(s.activity))).toEqual([]);
  });

  it("finishes the stream of a worker that died mid-turn on the redelivery: no second informative update, one answer", async () => {
    const { sent, worker } = world();
    const first = teamsJob("personal");
    void worker(async () => never())(first);
    await new Promise((r) => setTimeout(r, 200));
    expect(sent).toHaveLength(1);
    await worker(async (_m, responder) => {
      await responder.reply(textCard("The sprint is blocked by PROJ-12."));
    })({ ...first, deliveries: 2 });
    expect(sent.filter((s) => info(s.activity)?.streamType === "informative")).toHaveLength(1);
    const messages = sent.filter((s) => s.activity.type === "message");
    expect(messages).toHaveLength(1);
    expect(info(messages[0]?.activity ?? {})).toEqual({ streamType: "final", streamId: sent[0]?.id });
  });

  it("posts no placeholder in a group chat: typing, then the answer as a message", async () => {
    const { sent, worker } = world();
    await worker(async (_m, responder) => {
      await responder.typing?.();
      await responder.reply(textCard("The sprint is blocked by PROJ-12."));
    })(teamsJob("groupChat"));
    expect(sent.map((s) => s.activity.type)).toEqual(["typing", "message"]);
    expect(sent.every((s) => info(s.activity) === undefined)).toBe(true);
  });
});
