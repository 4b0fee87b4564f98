/**
 * One contract, run against every ChatAdapter (vercel/chat style): console, Slack against a
 * local fake Web API, Teams against a local fake Bot Framework connector. Every digest and the
 * approval card must post, thread, update and stay within the platform's limits.
 */
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../adapters/console/console-adapter.ts";
import { SlackChatAdapter } from "../adapters/slack/adapter.ts";
import { createWebClient } from "../adapters/slack/web-client.ts";
import { createTeamsIntegration } from "../adapters/teams/teams-integration.ts";
import { createDigests } from "../chains/digests/registry.ts";
import { approvalCard } from "../src/approvals/approval-card.ts";
import type { Approval } from "../src/core/approval.ts";
import type { Card } from "../src/core/card.ts";
import type { ChatAdapter } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { startTeamsAuth } from "./support/teams-tokens.ts";

const clock = fixedClock("2026-11-23T09:00:00Z");

/** What reached the platform, normalised across adapters. */
interface Delivered {
  kind: "post" | "update" | "notify";
  threadId?: string;
  messageId?: string;
  text: string;
  payload: unknown;
}

interface Harness {
  adapter: ChatAdapter;
  channel: ThreadRef;
  delivered(): Delivered[];
  /** Throws when a payload would be rejected by the platform. */
  checkLimits(payload: unknown): void;
  close(): Promise<void>;
}

async function cards(): Promise<Record<string, Card>> {
  const store = new MemoryStore({ clock });
  const digests = createDigests({ ports: createDemoPorts({ clock }), clock, store });
  const out: Record<string, Card> = {};
  for (const [name, digest] of Object.entries(digests)) out[`${name} digest`] = await digest.run({ preview: true });
  const approval: Approval = {
    id: "abc123def4",
    tool: "accounting_approve_invoice",
    args: { invoiceId: "inv-4729" },
    argsHash: "0".repeat(64),
    requester: { principalId: "alex", name: "Alex Rivera", chatUser: { platform: "console", id: "alex" } },
    thread: { platform: "console", workspace: "local", channel: "finance", thread: "" },
    policy: { users: [], roles: ["finance"], allowSelfApproval: false, ttlMs: 3_600_000 },
    createdAt: clock.now(),
    expiresAt: clock.now() + 3_600_000,
    status: "pending",
  };
  out["approval card"] = approvalCard(
    approval,
    [
      { label: "Invoice", value: "#4729 Acme Consulting" },
      { label: "Amount", value: "$8,500.00" },
    ],
    "Approve invoice #4729",
  );
  out["oversize card"] = {
    header: "H".repeat(400),
    blocks: [
      { type: "text", text: "x ".repeat(5_000) },
      { type: "fields", fields: Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: "v".repeat(3_000) })) },
      {
        type: "list",
        title: "rows",
        items: Array.from({ length: 300 }, (_, i) => ({ title: `row ${i}`, text: "t".repeat(200), meta: "m" })),
      },
      {
        type: "actions",
        buttons: Array.from({ length: 40 }, (_, i) => ({ actionId: `a${i}`, label: "L".repeat(100), value: `${i}` })),
      },
    ],
  };
  return out;
}

async function consoleHarness(): Promise<Harness> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (d: Buffer) => chunks.push(d.toString()));
  const adapter = new ConsoleAdapter({ output: out, clock });
  return {
    adapter,
    channel: { platform: "console", workspace: "local", channel: "finance", thread: "" },
    delivered: () =>
      chunks.map((text) => ({ kind: text.startsWith("(updated") ? "update" : "post", text, payload: text })),
    checkLimits: () => {},
    close: async () => {},
  };
}

async function slackHarness(): Promise<Harness> {
  let ts = 1_700_000_000;
  const api = await startFakeServer((req) => {
    const method = req.path.replace(/^\/api\//, "").replace(/^\//, "");
    if (method === "chat.postMessage") return { body: { ok: true, channel: "C0FIN", ts: `${++ts}.000100` } };
    if (method === "chat.update" || method === "chat.postEphemeral") return { body: { ok: true, ts: `${ts}.000100` } };
    return { body: { ok: false, error: "unknown_method" } };
  });
  const client = createWebClient({ token: "xoxb-test", apiUrl: `${api.url}/api/`, logger: silentLogger });
  const parse = (r: RecordedRequest) => {
    const form = new URLSearchParams(r.body);
    const json = r.headers["content-type"]?.includes("json") ? (JSON.parse(r.body) as Record<string, unknown>) : null;
    const get = (k: string) => (json ? json[k] : form.get(k));
    const blocks = get("blocks");
    return {
      method: r.path.replace(/^\/api\//, ""),
      text: String(get("text") ?? ""),
      thread: get("thread_ts") as string | undefined,
      ts: get("ts") as string | undefined,
      blocks: typeof blocks === "string" ? JSON.parse(blocks) : blocks,
    };
  };
  return {
    adapter: new SlackChatAdapter({ client, clock }),
    channel: { platform: "slack", workspace: "T0DEMO", channel: "C0FIN", thread: "" },
    delivered: () =>
      api.requests.map((r) => {
        const p = parse(r);
        const kind = p.method === "chat.update" ? "update" : p.method === "chat.postEphemeral" ? "notify" : "post";
        return {
          kind,
          ...(p.thread ? { threadId: p.thread } : {}),
          ...(p.ts ? { messageId: p.ts } : {}),
          text: p.text,
          payload: p,
        } as Delivered;
      }),
    checkLimits: (payload) => {
      // https://docs.slack.dev/reference/block-kit/blocks : 50 blocks per message, 3,000
      // chars per section text, 10 fields, 25 elements per actions block, 150-char header.
      const p = payload as { text: string; blocks?: Record<string, unknown>[] };
      expect(p.text.length).toBeGreaterThan(0);
      expect(p.text.length).toBeLessThanOrEqual(40_000);
      const blocks = p.blocks ?? [];
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const b of blocks) {
        const text = b.text as { text?: string } | undefined;
        if (b.type === "header") expect(text?.text?.length ?? 0).toBeLessThanOrEqual(150);
        if (b.type === "section") {
          expect(text?.text?.length ?? 0).toBeLessThanOrEqual(3_000);
          const fields = (b.fields as { text: string }[] | undefined) ?? [];
          expect(fields.length).toBeLessThanOrEqual(10);
          for (const f of fields) expect(f.text.length).toBeLessThanOrEqual(2_000);
        }
        if (b.type === "actions") {
          const elements = b.elements as { text: { text: string }; value?: string }[];
          expect(elements.length).toBeLessThanOrEqual(25);
          for (const e of elements) {
            expect(e.text.text.length).toBeLessThanOrEqual(75);
            expect((e.value ?? "").length).toBeLessThanOrEqual(2_000);
          }
        }
      }
    },
    close: () => api.close(),
  };
}

async function teamsHarness(): Promise<Harness> {
  let n = 0;
  const connector = await startFakeServer((req) => {
    if (req.method === "POST" && /\/v3\/conversations\/[^/]+\/activities/.test(req.path))
      return { body: { id: `act-${++n}` } };
    if (req.method === "PUT") return { body: { id: req.path.split("/").pop() } };
    return { status: 404, body: {} };
  });
  const store = new MemoryStore({ clock });
  // The bot's credentials, with outbound tokens fetched from a local identity provider.
  const auth = await startTeamsAuth();
  const teams = createTeamsIntegration({
    appType: "MultiTenant",
    ...auth.credentials,
    nodeEnv: "test",
    store,
    logger: silentLogger,
    clock,
    handle: async () => {},
    onClick: async () => ({ kind: "none" }),
  });
  const conversationId = "19:finance@thread.tacv2";
  await teams.references.save(
    {
      serviceUrl: connector.url,
      channelId: "msteams",
      conversation: {
        id: conversationId,
        conversationType: "channel",
        tenantId: "tenant-1",
        isGroup: true,
        name: "finance",
      },
      bot: { id: "28:daybook", name: "daybook" },
    },
    "tenant-1",
  );
  return {
    adapter: teams.adapter,
    channel: { platform: "teams", workspace: "tenant-1", channel: conversationId, thread: "" },
    delivered: () =>
      connector.requests.map((r) => {
        const activity = JSON.parse(r.body || "{}") as Record<string, unknown>;
        const parts = r.path.split("/");
        const replyTo = r.method === "POST" && parts.length > 5 ? decodeURIComponent(parts[5] ?? "") : undefined;
        return {
          kind: r.method === "PUT" ? "update" : "post",
          ...(replyTo ? { threadId: replyTo } : {}),
          ...(r.method === "PUT" ? { messageId: decodeURIComponent(parts.at(-1) ?? "") } : {}),
          text: String(activity.text ?? activity.summary ?? ""),
          payload: activity,
        } as Delivered;
      }),
    checkLimits: (payload) => {
      const activity = payload as { attachments?: { contentType: string; content: unknown }[] };
      // Teams rejects messages over ~28 KB (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages).
      expect(JSON.stringify(activity).length).toBeLessThanOrEqual(28_000);
      for (const a of activity.attachments ?? []) {
        if (a.contentType !== "application/vnd.microsoft.card.adaptive") continue;
        expectValidAdaptiveCard(a.content);
      }
    },
    close: async () => {
      // Every call to the connector carried a token from the identity provider.
      expect(connector.requests.every((r) => auth.idp.verifies(String(r.headers.authorization).slice(7)))).toBe(true);
      await connector.close();
      await auth.close();
    },
  };
}

const harnesses: Record<string, () => Promise<Harness>> = {
  console: consoleHarness,
  slack: slackHarness,
  teams: teamsHarness,
};

let allCards: Record<string, Card>;
beforeAll(async () => {
  allCards = await cards();
});

for (const [platform, make] of Object.entries(harnesses)) {
  describe(`${platform} adapter contract`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await make();
    });
    afterAll(async () => {
      await h.close();
    });

    it("posts a card at a channel's top level and returns a delivery receipt", async () => {
      const before = h.delivered().length;
      const receipt = await h.adapter.post(h.channel, { header: "Hello", blocks: [{ type: "text", text: "**hi**" }] });
      expect(receipt.platform).toBe(platform);
      expect(receipt.messageId).not.toBe("");
      expect(receipt.postedAt).toBe(clock.now());
      const sent = h.delivered().slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.kind).toBe("post");
      expect(sent[0]?.threadId).toBeUndefined();
    });

    it("replies inside a thread when the thread is given", async () => {
      const root = await h.adapter.post(h.channel, { blocks: [{ type: "text", text: "root" }] });
      const before = h.delivered().length;
      const inThread = { ...h.channel, thread: root.messageId };
      const receipt = await h.adapter.post(inThread, { blocks: [{ type: "text", text: "reply" }] });
      expect(receipt.thread.thread).toBe(root.messageId);
      const sent = h.delivered().slice(before);
      expect(sent).toHaveLength(1);
      if (platform !== "console") expect(sent[0]?.threadId).toBe(root.messageId);
    });

    it("updates a posted message in place", async () => {
      const receipt = await h.adapter.post(h.channel, { blocks: [{ type: "text", text: "pending" }] });
      const before = h.delivered().length;
      await h.adapter.update(receipt, { blocks: [{ type: "text", text: "approved" }] });
      const sent = h.delivered().slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.kind).toBe("update");
      if (platform !== "console") expect(sent[0]?.messageId).toBe(receipt.messageId);
    });

    it("delivers a notice for one user", async () => {
      const before = h.delivered().length;
      await h.adapter.notify(
        h.channel,
        { platform: h.channel.platform, id: "U0SOMEONE" },
        "Only Fiona can approve this.",
      );
      expect(h.delivered().length).toBe(before + 1);
    });

    it("renders every digest, the approval card and an oversize card within the platform's limits", async () => {
      for (const [name, card] of Object.entries(allCards)) {
        const before = h.delivered().length;
        await expect(h.adapter.post(h.channel, card), name).resolves.toMatchObject({ platform });
        const sent = h.delivered().slice(before);
        expect(sent, name).toHaveLength(1);
        h.checkLimits(sent[0]?.payload);
        expect(sent[0]?.text.length, `${name} fallback text`).toBeGreaterThan(0);
      }
    });
  });
}
