import { describe, expect, it } from "vitest";
import { AudiencePolicy, beyond, sentPrivatelyNote } from "../src/bot/audience.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import { type OrgConfig, orgSchema } from "../src/config/org.ts";
import { type Card, textCard } from "../src/core/card.ts";
import type { ChatAdapter, DeliveryReceipt, ThreadAudience } from "../src/core/chat.ts";
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
