import { describe, expect, it } from "vitest";
import { resultThread } from "../src/approvals/approval-records.ts";
import { AudiencePolicy, beyond, notDeliveredNote, sentPrivatelyNote } from "../src/bot/audience.ts";
import { Bot } from "../src/bot/bot.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import { type OrgConfig, orgSchema } from "../src/config/org.ts";
import type { Answerer } from "../src/core/answerer.ts";
import type { Approval } from "../src/core/approval.ts";
import { type Card, cardToText, textCard } from "../src/core/card.ts";
import type { ChatAdapter, DeliveryReceipt, MessageRef, Responder, ThreadAudience } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { createLogger, silentLogger } from "../src/core/logger.ts";
import type { Platform, ThreadRef } from "../src/core/thread.ts";
import { createScheduler } from "../src/scheduler/scheduler.ts";
import { MemoryStore } from "../src/store/memory-store.ts";

const org = orgSchema.parse({
  users: [
    { id: "fiona", name: "Fiona Walsh", roles: ["finance"], slack: "UFIONA", teams: "aad-fiona" },
    { id: "maria", name: "Maria Garcia", roles: ["engineering"], slack: "UMARIA", teams: "aad-maria" },
    { id: "alex", name: "Alex Rivera", roles: ["admin"], slack: "UALEX" },
  ],
  channels: {
    engineering: { slack: "CENG", audience: ["jira"] },
    finance: { slack: "CFIN", teams: "19:finance@thread.tacv2" },
  },
});
const principals = createPrincipalResolver(org);
const fiona = principals.resolve({ platform: "slack", id: "UFIONA" });
const slackThread = (channel: string): ThreadRef => ({ platform: "slack", workspace: "T1", channel, thread: "1.1" });
const members = (...ids: string[][]): (() => Promise<ThreadAudience>) & { calls(): number } => {
  let calls = 0;
  const lookup = async (): Promise<ThreadAudience> => {
    calls++;
    return { kind: "shared", members: ids.map((i) => ({ ids: i })) };
  };
  return Object.assign(lookup, { calls: () => calls });
};
const policy = () => new AudiencePolicy({ channels: org.channels, principals, logger: silentLogger });

describe("the channel audience policy", () => {
  it("lets a channel's declared audience decide, whoever its members are", async () => {
    const allowed = await policy().allowedIn(slackThread("CENG"), members(["UFIONA"]), fiona);
    expect([...allowed.domains]).toEqual(["jira"]);
    expect(allowed).toMatchObject({ basis: "declared", channel: "engineering" });
  });

  it("allows in an undeclared shared channel only the domains every member may see", async () => {
    const p = policy();
    const finance = await p.allowedIn(slackThread("CFIN"), members(["UFIONA"], ["UALEX"]), fiona);
    expect([...finance.domains]).toEqual(["accounting"]);
    const mixed = await p.allowedIn(slackThread("COTHER"), members(["UFIONA"], ["UMARIA"]), fiona);
    expect([...mixed.domains]).toEqual([]);
  });

  it("allows nothing in a shared channel with one member who is not a configured person", async () => {
    const allowed = await policy().allowedIn(slackThread("COTHER"), members(["UALEX"], ["USTRANGER"]), fiona);
    expect(allowed.domains.size).toBe(0);
    expect(allowed.basis).toBe("members");
  });

  it("matches a Teams member by either of their ids", async () => {
    const thread: ThreadRef = { platform: "teams", workspace: "t", channel: "19:other@thread.v2", thread: "" };
    const asker = principals.resolve({ platform: "teams", id: "aad-fiona" });
    const allowed = await policy().allowedIn(thread, members(["aad-fiona", "29:fiona"]), asker);
    expect([...allowed.domains]).toEqual(["accounting"]);
  });

  it("gives a direct conversation the asker's own domains, and a digest (no asker) none", async () => {
    const direct = async (): Promise<ThreadAudience> => ({ kind: "direct" });
    expect([...(await policy().allowedIn(slackThread("DFIONA"), direct, fiona)).domains]).toEqual(["accounting"]);
    expect((await policy().allowedIn(slackThread("DFIONA"), direct)).domains.size).toBe(0);
    const consoleThread: ThreadRef = { platform: "console", workspace: "local", channel: "x", thread: "" };
    expect([...(await policy().allowedIn(consoleThread, undefined, fiona)).domains]).toEqual(["accounting"]);
  });

  it("fails closed when the platform cannot say who reads the channel, and asks again next time", async () => {
    const p = policy();
    let calls = 0;
    const failing = async (): Promise<ThreadAudience> => {
      calls++;
      throw new Error("channel_not_found");
    };
    expect((await p.allowedIn(slackThread("COTHER"), failing, fiona)).basis).toBe("unknown");
    expect((await p.allowedIn(slackThread("COTHER"), failing, fiona)).domains.size).toBe(0);
    expect(calls).toBe(2);
    expect((await p.allowedIn(slackThread("COTHER"), undefined, fiona)).domains.size).toBe(0);
  });

  it("asks for a channel's members once within the TTL", async () => {
    const p = new AudiencePolicy({ channels: org.channels, principals, logger: silentLogger, membersTtlMs: 60_000 });
    const lookup = members(["UFIONA"]);
    await p.allowedIn(slackThread("CFIN"), lookup, fiona);
    await p.allowedIn({ ...slackThread("CFIN"), thread: "2.2" }, lookup, fiona);
    expect(lookup.calls()).toBe(1);
  });

  it("names the domains an answer shows beyond what is allowed, in words for the note", async () => {
    const allowed = await policy().allowedIn(slackThread("CENG"), undefined, fiona);
    expect(beyond(["accounting", "jira"], allowed)).toEqual(["accounting"]);
    expect(beyond(undefined, allowed)).toEqual([]);
    expect(sentPrivatelyNote("answer", ["accounting"])).toBe(
      "I sent you the answer privately: it contains finance data this channel may not see.",
    );
  });
});

describe("channel audiences in the org config", () => {
  const load = (yaml: string) => () => loadConfig({ DAYBOOK_CONFIG: "org.yaml" }, { readFile: () => yaml });

  it("refuses an audience that is not a domain, naming the allowed ones", () => {
    expect(load("channels:\n  eng: { slack: C1, audience: [jira, finance] }\n")).toThrow(
      /channels\.eng\.audience\[1\]: .*"jira"\|"crm"\|"accounting"|channels\.eng\.audience\[1\]: Invalid option: expected one of "jira"\|"crm"\|"accounting"/,
    );
  });

  it("refuses at start-up a digest posted to a channel whose audience leaves out its domain", () => {
    const yaml = [
      "channels:",
      "  engineering: { slack: C1, audience: [jira] }",
      "digests:",
      '  close: { cron: "0 18 * * *", channels: [engineering] }',
      "",
    ].join("\n");
    expect(load(yaml)).toThrow(
      /digests\.close\.channels\[0\]: the close digest shows accounting data, but "engineering" may show only jira \(channels\.engineering\.audience\)/,
    );
  });

  it("accepts the demo organisation, whose channels each declare what they may show", () => {
    expect(orgSchema.safeParse(demoOrg).success).toBe(true);
    for (const channel of Object.values(demoOrg.channels)) expect(channel.audience).toBeDefined();
  });
});

/** Records posts; tells the scheduler who is in each channel. */
class MembersAdapter implements ChatAdapter {
  readonly platform: Platform = "slack";
  readonly posts: ThreadRef[] = [];
  readonly roster: Record<string, string[] | "fail">;
  constructor(roster: Record<string, string[] | "fail">) {
    this.roster = roster;
  }
  async post(thread: ThreadRef, _card: Card): Promise<DeliveryReceipt> {
    this.posts.push(thread);
    return { platform: "slack", thread, messageId: `m${this.posts.length}`, postedAt: 0 };
  }
  async update(): Promise<void> {}
  async notify(): Promise<void> {}
  async audience(thread: ThreadRef): Promise<ThreadAudience> {
    const ids = this.roster[thread.channel];
    if (!ids || ids === "fail") throw new Error("not_in_channel");
    return { kind: "shared", members: ids.map((id) => ({ ids: [id] })) };
  }
}

describe("digests and channel audiences", () => {
  const digestOrg: OrgConfig = {
    ...org,
    channels: { finance: { slack: "CFIN" }, mixed: { slack: "CMIX" }, lost: { slack: "CLOST" } },
    digests: { close: { enabled: true, cron: "0 18 * * *", channels: ["finance", "mixed", "lost"] } },
  };

  function run(roster: MembersAdapter["roster"]) {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line)) });
    const adapter = new MembersAdapter(roster);
    const s = createScheduler({
      org: digestOrg,
      digests: { close: { name: "close", title: "Close", run: async () => textCard("close body") } },
      adapters: { slack: adapter },
      store: new MemoryStore(),
      clock: fixedClock("2026-11-30T18:00:00Z"),
      logger,
      sleep: async () => {},
    });
    return { s, adapter, lines };
  }

  it("posts the close digest only where every member may see finance data, and logs each refusal", async () => {
    const { s, adapter, lines } = run({ CFIN: ["UFIONA", "UALEX"], CMIX: ["UFIONA", "UMARIA"], CLOST: "fail" });
    const record = await s.fire("close", Date.parse("2026-11-30T18:00:00Z"));
    expect(adapter.posts.map((t) => t.channel)).toEqual(["CFIN"]);
    expect(record.status).toBe("partial");
    const refused = record.deliveries.filter((d) => !d.receipt);
    expect(refused.map((d) => [d.channel, d.error?.code, d.attempts])).toEqual([
      ["mixed", "forbidden", 0],
      ["lost", "forbidden", 0],
    ]);
    expect(refused[0]?.error?.message).toMatch(/not every member of the channel may see accounting/);
    expect(refused[1]?.error?.message).toMatch(/could not list who reads the channel/);
    const errors = lines.filter(
      (l) => l.level === "error" && l.msg === "digest not posted: the channel may not see it",
    );
    expect(errors.map((l) => l.channel)).toEqual(["mixed", "lost"]);
  });

  it("lists at start-up the channels a scheduled digest may not be posted to", async () => {
    const { s, adapter } = run({ CFIN: ["UFIONA"], CMIX: ["UMARIA"], CLOST: ["UFIONA"] });
    const problems = await s.checkAudiences();
    expect(problems.map((p) => [p.digest, p.channel])).toEqual([["close", "mixed"]]);
    expect(adapter.posts).toEqual([]);
  });
});

describe("the bot under the audience policy", () => {
  const finance: Card = { blocks: [{ type: "text", text: "3 unmatched bank lines, 2 bills to approve" }] };
  const approvalCard = textCard("Approve bill BILL-7 for 1,200.00?");

  /** A responder that records where each card went; `privately: false` has no private channel. */
  function recorder(privately = true) {
    const thread: MessageRef[] = [];
    const posted: { where: "thread" | "private"; text: string }[] = [];
    const responder: Responder = {
      reply: async (card) => {
        posted.push({ where: "thread", text: cardToText(card) });
        thread.push({ thread: slackThread("CENG"), messageId: `t${thread.length}` });
        return thread.at(-1) as MessageRef;
      },
      ...(privately
        ? {
            replyPrivately: async (_user, card) => {
              posted.push({ where: "private", text: cardToText(card) });
              return { thread: { ...slackThread("DFIONA"), thread: "9.9" }, messageId: "9.9" };
            },
          }
        : {}),
    };
    return { responder, posted };
  }

  function bot(answerer: Answerer) {
    const store = new MemoryStore();
    const history = new ThreadHistory(store);
    const b = new Bot({ answerer, history, principals, logger: silentLogger, audience: policy() });
    return { b, history };
  }
  const message = (channel: string) => ({
    thread: slackThread(channel),
    user: { platform: "slack" as const, id: "UFIONA" },
    text: "what's left for the close?",
    receivedAt: 0,
  });

  it("sends a finance answer asked in the engineering channel privately and keeps only the note in thread memory", async () => {
    const { b, history } = bot({
      answer: async () => ({ card: finance, domains: ["accounting"], data: { refs: [] } }),
    });
    const { responder, posted } = recorder();
    await b.handle(message("CENG"), responder);
    expect(posted.map((p) => p.where)).toEqual(["private", "thread"]);
    expect(posted[0]?.text).toContain("3 unmatched bank lines");
    expect(posted[1]?.text).toBe(sentPrivatelyNote("answer", ["accounting"]));
    const remembered = await history.load(slackThread("CENG"));
    expect(remembered.map((e) => e.text).join("\n")).not.toContain("unmatched");
  });

  it("posts nothing of the answer where it cannot be sent privately, only a note saying so", async () => {
    const { b } = bot({ answer: async () => ({ card: finance, domains: ["accounting"] }) });
    const { responder, posted } = recorder(false);
    await b.handle(message("CENG"), responder);
    expect(posted).toEqual([{ where: "thread", text: notDeliveredNote("answer", ["accounting"]) }]);
  });

  it("sends an approval card the channel may not see to the requester, with a note in the thread", async () => {
    let where: MessageRef | undefined;
    const { b } = bot({
      answer: async (input) => {
        where = await input.post?.(approvalCard, ["accounting"]);
        return { card: textCard("Approval requested."), domains: [] };
      },
    });
    const { responder, posted } = recorder();
    await b.handle(message("CENG"), responder);
    expect(posted.map((p) => p.where)).toEqual(["private", "thread", "thread"]);
    expect(posted[1]?.text).toBe(sentPrivatelyNote("approval request", ["accounting"]));
    expect(where?.thread.channel).toBe("DFIONA");
  });

  it("posts an approval card in the thread where its domain may be seen", async () => {
    const { b } = bot({
      answer: async (input) => {
        await input.post?.(approvalCard, ["jira"]);
        return { card: textCard("Approval requested.") };
      },
    });
    const { responder, posted } = recorder();
    await b.handle(message("CENG"), responder);
    expect(posted.map((p) => p.where)).toEqual(["thread", "thread"]);
  });

  it("posts an approval's result where its card was sent privately, not in the channel it was asked in", () => {
    const approval = {
      thread: slackThread("CENG"),
      message: { thread: { ...slackThread("DFIONA"), thread: "9.9" }, messageId: "9.9" },
    } as Approval;
    expect(resultThread(approval)).toEqual({ ...slackThread("DFIONA"), thread: "9.9" });
    expect(resultThread({ ...approval, message: { thread: slackThread("CENG"), messageId: "2.2" } })).toEqual(
      slackThread("CENG"),
    );
  });
});
