import { describe, expect, it } from "vitest";
import { SlackDirectory } from "../adapters/slack/directory.ts";
import {
  decodeSlackEntities,
  normaliseSlackText,
  parseSlackText,
  type SlackNameLookup,
} from "../adapters/slack/format/inbound.ts";
import { botUserIdOf, inboundText } from "../adapters/slack/listeners/inbound-text.ts";
import { createWebClient } from "../adapters/slack/web-client.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { Logger } from "../src/core/logger.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";

/** A lookup over fixed names that records every id it was asked for. */
function namesOf(users: Record<string, string>, channels: Record<string, string> = {}) {
  const asked: string[] = [];
  const lookup: SlackNameLookup = {
    userName: async (id) => {
      asked.push(id);
      return users[id];
    },
    channelName: async (id) => {
      asked.push(id);
      return channels[id];
    },
  };
  return { lookup, asked };
}

const none = namesOf({}).lookup;

describe("Slack inbound text: entities", () => {
  it("decodes &amp;, &lt; and &gt; so a write gets the text the person typed", async () => {
    expect(await normaliseSlackText("create a jira issue to fix login &amp; signup for &lt;admins&gt;", none)).toBe(
      "create a jira issue to fix login & signup for <admins>",
    );
  });

  it("keeps a mention the person typed as text literal, and looks nobody up for it", async () => {
    const { lookup, asked } = namesOf({ U1: "Maria" });
    expect(await normaliseSlackText("please ignore &lt;@U1&gt; and &lt;!channel&gt;", lookup)).toBe(
      "please ignore <@U1> and <!channel>",
    );
    expect(asked).toEqual([]);
  });

  it("decodes once, so a typed &lt; stays &lt;", () => {
    expect(decodeSlackEntities("a &amp;lt; b &amp;amp; c")).toBe("a &lt; b &amp; c");
    expect(decodeSlackEntities("&quot;as is&quot; &#39;too&#39;")).toBe("&quot;as is&quot; &#39;too&#39;");
  });

  it("parses tokens without decoding them first", () => {
    expect(parseSlackText("hi <@U1|maria> &lt;x&gt; <https://a.example?b=1&amp;c=2|go>")).toEqual([
      { kind: "text", text: "hi " },
      { kind: "user", id: "U1", label: "maria" },
      { kind: "text", text: " &lt;x&gt; " },
      { kind: "link", url: "https://a.example?b=1&amp;c=2", label: "go" },
    ]);
  });
});

describe("Slack inbound text: mentions, channels, groups and links", () => {
  it("resolves user mentions to display names and removes the bot's own mention", async () => {
    const { lookup, asked } = namesOf({ U0MARIA: "Maria", U0SAM: "Sam Patel" });
    const text = await normaliseSlackText("<@U0BOT> assign it to <@U0MARIA> and cc <@U0SAM|sam>", lookup, {
      botUserId: "U0BOT",
    });
    expect(text).toBe("assign it to @Maria and cc @Sam Patel");
    expect(asked.sort()).toEqual(["U0MARIA", "U0SAM"]);
  });

  it("removes the bot's mention anywhere in the message and tidies the spacing", async () => {
    expect(await normaliseSlackText("thanks <@U0BOT>, what's next?", none, { botUserId: "U0BOT" })).toBe(
      "thanks, what's next?",
    );
    expect(await normaliseSlackText("ask <@U0BOT> <@U0BOT|daybook> now", none, { botUserId: "U0BOT" })).toBe("ask now");
  });

  it("falls back to the mention's label, then to the id, when no name is known", async () => {
    expect(await normaliseSlackText("<@U1|maria> and <@U2>", none)).toBe("@maria and @U2");
  });

  it("turns channel links into #name, looking up only those without a label", async () => {
    const { lookup, asked } = namesOf({}, { C0ENG: "engineering" });
    expect(await normaliseSlackText("post in <#C0SALES|sales>, <#C0ENG> or <#C0GONE>", lookup)).toBe(
      "post in #sales, #engineering or #C0GONE",
    );
    expect(asked.sort()).toEqual(["C0ENG", "C0GONE"]);
  });

  it("shows user groups and special mentions as @names, and dates as their fallback text", async () => {
    expect(
      await normaliseSlackText(
        "<!subteam^S1|@finance> <!subteam^S2> <!here> <!channel> <!everyone> <!here|here> by <!date^1392734382^{date_pretty}|Feb 18, 2014>",
        none,
      ),
    ).toBe("@finance @S2 @here @channel @everyone @here by Feb 18, 2014");
  });

  it("shows a link's target literally: the URL alone, or the label followed by the URL", async () => {
    expect(await normaliseSlackText("see <https://docs.example/a?b=1&amp;c=2>", none)).toBe(
      "see https://docs.example/a?b=1&c=2",
    );
    expect(await normaliseSlackText("<https://evil.example/phish|the approved spec>", none)).toBe(
      "the approved spec (https://evil.example/phish)",
    );
    expect(await normaliseSlackText("<http://acme.example|acme.example>", none)).toBe("http://acme.example");
    expect(await normaliseSlackText("mail <mailto:ap@acme.example|ap@acme.example>", none)).toBe(
      "mail ap@acme.example",
    );
    expect(await normaliseSlackText("<mailto:ap@acme.example|Accounts &amp; Payables>", none)).toBe(
      "Accounts & Payables (mailto:ap@acme.example)",
    );
  });
});

describe("Slack inbound text in the listeners", () => {
  it("knows the bot's id from Bolt's context or the Events API authorizations", () => {
    expect(botUserIdOf({ botUserId: "U0CTX" }, {})).toBe("U0CTX");
    expect(
      botUserIdOf(
        {},
        {
          authorizations: [
            { user_id: "U0HUMAN", is_bot: false },
            { user_id: "U0BOT", is_bot: true },
          ],
        },
      ),
    ).toBe("U0BOT");
    expect(botUserIdOf({}, { authorizations: "nonsense" })).toBeUndefined();
  });

  it("keeps other people mentioned first when it knows the bot's id", async () => {
    const { lookup } = namesOf({ U0MARIA: "Maria" });
    expect(await inboundText(lookup, "<@U0BOT> <@U0MARIA> is out, who covers?", "U0BOT")).toBe(
      "@Maria is out, who covers?",
    );
  });

  it("takes leading mentions to address the bot when it does not know the bot's id", async () => {
    const { lookup } = namesOf({ U0MARIA: "Maria" });
    expect(await inboundText(lookup, "<@U0BOT> ask <@U0MARIA> &amp; me", undefined)).toBe("ask @Maria & me");
    expect(await inboundText(lookup, 42, undefined)).toBe("");
  });
});

describe("Slack inbound text: bounded lookups", () => {
  it("looks each distinct user up once, however often they are mentioned", async () => {
    const { lookup, asked } = namesOf({ U1: "Maria" });
    const text = await normaliseSlackText(Array.from({ length: 50 }, () => "<@U1>").join(" "), lookup);
    expect(text).toBe(Array.from({ length: 50 }, () => "@Maria").join(" "));
    expect(asked).toEqual(["U1"]);
  });

  it("looks up at most maxLookups distinct users per message; the rest show their ids", async () => {
    const users = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`U${i}`, `Person ${i}`]));
    const { lookup, asked } = namesOf(users);
    const text = await normaliseSlackText(Array.from({ length: 50 }, (_, i) => `<@U${i}>`).join(" "), lookup, {
      maxLookups: 20,
    });
    expect(asked).toHaveLength(20);
    expect(text.split(" @").length).toBe(50);
    expect(text).toContain("@Person 0");
    expect(text).toContain("@U49");
  });

  it("does not hold a message past the deadline for a slow lookup, and never fails on one", async () => {
    const lookup: SlackNameLookup = {
      userName: (id) => (id === "U1" ? new Promise(() => {}) : Promise.reject(new Error("boom"))),
      channelName: async () => "sales",
    };
    const started = Date.now();
    const text = await normaliseSlackText("<@U1> <@U2> <#C1>", lookup, { deadlineMs: 50 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(text).toBe("@U1 @U2 #sales");
  });
});

// ---- the directory over a fake Slack Web API -----------------------------------------------

function argsOf(req: RecordedRequest): URLSearchParams {
  return new URLSearchParams(req.body);
}

interface Logged {
  level: string;
  msg: string;
  fields: Record<string, unknown> | undefined;
}

function recordingLogger(lines: Logged[]): Logger {
  const at =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, msg, fields });
    };
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

async function fakeSlackDirectory(delayMs = 0) {
  let inFlight = 0;
  let maxInFlight = 0;
  const server = await startFakeServer(async (req) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    inFlight--;
    if (req.path === "/api/users.info") {
      const id = argsOf(req).get("user");
      if (id === "U0MARIA")
        return { body: { ok: true, user: { id, name: "maria", profile: { display_name: "Maria" } } } };
      if (id === "U0SAM")
        return { body: { ok: true, user: { id, name: "sam", profile: { display_name: "", real_name: "Sam Patel" } } } };
      if (id === "U0DOWN") return { status: 500, body: "down" };
      return { body: { ok: false, error: "user_not_found" } };
    }
    if (req.path === "/api/conversations.info") {
      const id = argsOf(req).get("channel");
      if (id === "C0ENG") return { body: { ok: true, channel: { id, name: "engineering" } } };
      return { body: { ok: false, error: "channel_not_found" } };
    }
    return { body: { ok: true } };
  });
  return Object.assign(server, {
    count: (method: string) => server.requests.filter((r) => r.path === `/api/${method}`).length,
    maxInFlight: () => maxInFlight,
  });
}

describe("SlackDirectory over the Web API", () => {
  const client = (url: string) => createWebClient({ token: "xoxb-test", apiUrl: `${url}/api`, logger: silentLogger });

  it("asks users.info once per person and answers later messages from its cache", async () => {
    const fake = await fakeSlackDirectory();
    const directory = new SlackDirectory({ client: client(fake.url), logger: silentLogger });
    expect(await normaliseSlackText("<@U0MARIA> <@U0SAM>", directory)).toBe("@Maria @Sam Patel");
    expect(await normaliseSlackText("and again <@U0MARIA>", directory)).toBe("and again @Maria");
    expect(fake.count("users.info")).toBe(2);
    await fake.close();
  });

  it("shares one call between messages that ask for the same person at once", async () => {
    const fake = await fakeSlackDirectory(30);
    const directory = new SlackDirectory({ client: client(fake.url), logger: silentLogger });
    const texts = await Promise.all([1, 2, 3].map(() => normaliseSlackText("<@U0MARIA>", directory)));
    expect(texts).toEqual(["@Maria", "@Maria", "@Maria"]);
    expect(fake.count("users.info")).toBe(1);
    await fake.close();
  });

  it("asks again once a name's TTL has passed", async () => {
    const fake = await fakeSlackDirectory();
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const directory = new SlackDirectory({ client: client(fake.url), logger: silentLogger, clock, ttlMs: 60_000 });
    await directory.userName("U0MARIA");
    clock.advance(30_000);
    await directory.userName("U0MARIA");
    expect(fake.count("users.info")).toBe(1);
    clock.advance(31_000);
    expect(await directory.userName("U0MARIA")).toBe("Maria");
    expect(fake.count("users.info")).toBe(2);
    await fake.close();
  });

  it("falls back to the id when Slack fails or knows no such user, logs only Slack's code, and remembers the miss briefly", async () => {
    const fake = await fakeSlackDirectory();
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const lines: Logged[] = [];
    const directory = new SlackDirectory({
      client: client(fake.url),
      logger: recordingLogger(lines),
      clock,
      missTtlMs: 60_000,
    });
    expect(await normaliseSlackText("<@U0DOWN> and <@U0NOBODY> in <#C0GONE>", directory)).toBe(
      "@U0DOWN and @U0NOBODY in #C0GONE",
    );
    const warned = lines.filter((l) => l.level === "warn");
    expect(warned.map((l) => l.fields?.code).sort()).toEqual([
      "upstream_error",
      "upstream_error",
      "upstream_unavailable",
    ]);
    expect(JSON.stringify(warned)).not.toMatch(/xoxb-test|U0DOWN|U0NOBODY/);

    await normaliseSlackText("<@U0DOWN> <@U0NOBODY>", directory);
    expect(fake.count("users.info")).toBe(2);
    clock.advance(61_000);
    await normaliseSlackText("<@U0DOWN>", directory);
    expect(fake.count("users.info")).toBe(3);
    await fake.close();
  });

  it("keeps at most four lookups in flight for a message naming fifty people", async () => {
    const fake = await fakeSlackDirectory(5);
    const directory = new SlackDirectory({ client: client(fake.url), logger: silentLogger, concurrency: 4 });
    const text = Array.from({ length: 50 }, (_, i) => `<@U${String(i).padStart(3, "0")}>`).join(" ");
    await normaliseSlackText(text, directory, { maxLookups: 50, deadlineMs: 5_000 });
    expect(fake.count("users.info")).toBe(50);
    expect(fake.maxInFlight()).toBeLessThanOrEqual(4);
    await fake.close();
  });
});
