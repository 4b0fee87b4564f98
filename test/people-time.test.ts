import { describe, expect, it } from "vitest";
import { SlackDirectory } from "../adapters/slack/directory.ts";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { slackUser } from "../adapters/slack/listeners/inbound-text.ts";
import { createWebClient } from "../adapters/slack/web-client.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { createDigests } from "../chains/digests/registry.ts";
import { approvalCard, decidedCard } from "../src/approvals/approval-card.ts";
import { appHomeCard } from "../src/bot/app-home.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import type { Approval } from "../src/core/approval.ts";
import { cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { formatForReader, type Reader, readerOf, timeToken } from "../src/core/reader-time.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { startFakeServer } from "./support/http.ts";
import { secondOrgConfig } from "./support/sweep.ts";

const LA_ZONE = "America/Los_Angeles";
const la: Reader = { timeZone: "America/Los_Angeles", locale: "en-US" };
const berlin: Reader = { timeZone: "Europe/Berlin", locale: "de-DE" };

/**
 * Dates around the DST changes of 2026: the US springs forward on 8 March and Europe on 29 March,
 * so on 20 March Los Angeles is already on PDT (UTC-7) while Berlin is still on CET (UTC+1); the
 * US falls back on 1 November, Europe on 25 October.
 */
const dates = [
  { label: "an ordinary November day", at: "2026-11-23T17:00:00Z", la: "9:00 AM PST", berlin: "18:00 MEZ" },
  { label: "between the US and EU spring changes", at: "2026-03-20T16:00:00Z", la: "9:00 AM PDT", berlin: "17:00 MEZ" },
  { label: "the day after the US falls back", at: "2026-11-02T17:00:00Z", la: "9:00 AM PST", berlin: "18:00 MEZ" },
  { label: "a summer day", at: "2026-07-01T16:00:00Z", la: "9:00 AM PDT", berlin: "18:00 MESZ" },
];

describe("one instant, read in Los Angeles and in Berlin", () => {
  it.each(dates)("shows $label in each reader's zone, offset and locale", ({ at, la: laTime, berlin: berlinTime }) => {
    const ms = Date.parse(at);
    expect(formatForReader(ms, la)).toContain(laTime);
    expect(formatForReader(ms, berlin)).toContain(berlinTime);
  });

  it("takes the zone the platform reports, else the configured one, else the organisation's, and drops what Intl cannot use", () => {
    expect(readerOf({ timeZone: "America/Los_Angeles", locale: "en-US" }, "Europe/Berlin", "UTC")).toEqual(la);
    expect(readerOf({}, "Europe/Berlin", "UTC")).toEqual({ timeZone: "Europe/Berlin" });
    expect(readerOf({ timeZone: "Mars/Olympus", locale: "not a locale!" }, undefined, "Europe/Berlin")).toEqual({
      timeZone: "Europe/Berlin",
    });
    expect(readerOf({ locale: "de_DE" }, undefined, "UTC")).toEqual({ timeZone: "UTC", locale: "de-DE" });
  });

  it.each([
    { org: demoOrg, label: "the demo org" },
    { org: secondOrgConfig(), label: "the second org" },
  ])("gives the person's zone to what they ask for on $label ('Thursday 2pm' is theirs)", ({ org }) => {
    const principals = createPrincipalResolver(org);
    const configured = org.users.find((u) => u.slack);
    if (!configured?.slack) throw new Error("no Slack user");
    const fromLa = principals.resolve({ platform: "slack", id: configured.slack, timeZone: LA_ZONE });
    expect(fromLa.timeZone).toBe(LA_ZONE);
    const plain = principals.resolve({ platform: "slack", id: configured.slack });
    expect(plain.timeZone).toBe(configured.timezone ?? org.timezone);
    const stranger = principals.resolve({ platform: "teams", id: "aad-nobody", timeZone: "Europe/Berlin" });
    expect(stranger.timeZone).toBe("Europe/Berlin");
  });
});

const POLICY = { users: [], roles: ["sales"], allowSelfApproval: false, ttlMs: 3 * 86_400_000 };
const approval: Approval = {
  id: "k3v9x2qa7m",
  tool: "crm_log_activity",
  args: { dealId: "d-1", note: "Called" },
  argsHash: "ab".repeat(32),
  requester: { principalId: "alex", name: "Alex Rivera", chatUser: { platform: "slack", id: "U0ALEX" } },
  policy: POLICY,
  thread: { platform: "slack", workspace: "T1", channel: "C1", thread: "1.2" },
  createdAt: Date.parse("2026-03-20T15:00:00Z"),
  expiresAt: Date.parse("2026-03-23T15:00:00Z"),
  status: "pending",
};
const fields = [{ label: "Deal", value: "d-1" }];

describe("times on a card many people read", () => {
  const decided: Approval = {
    ...approval,
    status: "approved",
    decidedBy: { principalId: "sam", name: "Sam Patel" },
    decidedAt: Date.parse("2026-03-20T16:00:00Z"),
  };

  it("reach Slack as <!date> so each reader's client shows them in their own zone, with UTC for clients that cannot", () => {
    const rendered = JSON.stringify(renderCard(decidedCard(decided, fields, "Log a call")));
    const seconds = Date.parse("2026-03-20T16:00:00Z") / 1000;
    expect(rendered).toContain(
      `Approved by Sam Patel at <!date^${seconds}^{date_short_pretty} at {time}|2026-03-20 16:00 UTC>`,
    );
    const pending = JSON.stringify(renderCard(approvalCard(approval, fields, "Log a call")));
    expect(pending).toContain(`<!date^${Date.parse("2026-03-23T15:00:00Z") / 1000}^`);
    expect(pending).not.toContain("{{time:");
  });

  it("reach Teams as DATE()/TIME() in text blocks, fields holding a time included (those functions do not run in fact sets)", () => {
    const done = renderAdaptiveCard(decidedCard(decided, fields, "Log a call"));
    expect(JSON.stringify(done)).toContain(
      "Approved by Sam Patel at {{DATE(2026-03-20T16:00:00Z, SHORT)}} {{TIME(2026-03-20T16:00:00Z)}}",
    );
    const pending = JSON.stringify(renderAdaptiveCard(approvalCard(approval, fields, "Log a call")));
    expect(pending).toContain(
      '"text":"**Expires**: {{DATE(2026-03-23T15:00:00Z, SHORT)}} {{TIME(2026-03-23T15:00:00Z)}}"',
    );
    expect(pending).toContain('"text":"**Requested by**: Alex Rivera"');
    expect(pending).not.toContain("UTC");
    expect(done.fallbackText).not.toContain("{{");
  });

  it("read in UTC, naming the zone, as plain text (the console and notifications)", () => {
    expect(cardToText(decidedCard(decided, fields, "Log a call"))).toContain(
      "Approved by Sam Patel at 2026-03-20 16:00 UTC",
    );
  });

  it("is not a time when the characters come from an argument: verbatim values stay literal", () => {
    const sneaky = { ...approval, args: { note: timeToken(0) } };
    const rendered = JSON.stringify(renderCard(approvalCard(sneaky, [{ label: "Note", value: timeToken(0) }], "Log")));
    expect(rendered).toContain("{{time:0}}");
    expect(rendered).not.toContain("<!date^0^");
  });
});

describe("a person's own App Home", () => {
  const next = new Date("2026-03-20T16:00:00Z");
  const home = (reader: Reader) =>
    cardToText(
      appHomeCard({
        pending: { decidable: [], requested: [{ approval, title: "Log a call" }] },
        recent: [
          {
            text: "what's blocking the sprint?",
            at: Date.parse("2026-03-20T15:30:00Z"),
            thread: { platform: "slack", workspace: "T1", channel: "C1", thread: "1.3" },
          },
        ],
        digests: [{ name: "standup", channels: ["engineering"], next }],
        reader,
      }),
    );

  it("shows the next digest, their questions and their approvals' expiry in their zone and locale", () => {
    expect(home(la)).toContain(`next ${formatForReader(next, la)}`);
    expect(home(la)).toMatch(/next Fri, Mar 20, 09:00 AM PDT/);
    expect(home(berlin)).toMatch(/next Fr\., 20\. März, 17:00 MEZ/);
    expect(home(la)).toContain(`expires ${formatForReader(approval.expiresAt, la)}`);
    expect(home(berlin)).toContain(formatForReader(Date.parse("2026-03-20T15:30:00Z"), berlin));
  });
});

async function fakeUsersInfo() {
  const server = await startFakeServer((req) => {
    if (req.path !== "/api/users.info") return { body: { ok: true } };
    const params = new URLSearchParams(req.body);
    const id = params.get("user");
    if (id === "U0LA")
      return {
        body: {
          ok: true,
          user: {
            id,
            name: "pat",
            tz: "America/Los_Angeles",
            locale: params.get("include_locale") === "true" ? "en-US" : undefined,
            profile: { display_name: "Pat in LA", real_name: "Pat Lee" },
          },
        },
      };
    if (id === "U0BERLIN")
      return {
        body: {
          ok: true,
          user: { id, name: "kim", tz: "Europe/Berlin", locale: "de-DE", profile: { real_name: "Kim Vogel" } },
        },
      };
    if (id === "U0NOSCOPE") return { body: { ok: false, error: "missing_scope", needed: "users:read" } };
    if (id === "U0LIMITED")
      return { status: 429, headers: { "retry-after": "30" }, body: { ok: false, error: "ratelimited" } };
    return { body: { ok: false, error: "user_not_found" } };
  });
  return Object.assign(server, {
    count: (user?: string) =>
      server.requests.filter(
        (r) => r.path === "/api/users.info" && (!user || new URLSearchParams(r.body).get("user") === user),
      ).length,
  });
}

describe("people's profiles from users.info", () => {
  const client = (url: string) => createWebClient({ token: "xoxb-test", apiUrl: `${url}/api`, logger: silentLogger });

  it("gives a person's display name, zone and locale from one users.info call", async () => {
    const fake = await fakeUsersInfo();
    const directory = new SlackDirectory({ client: client(fake.url), logger: silentLogger });
    expect(await slackUser(directory, "U0LA")).toEqual({
      platform: "slack",
      id: "U0LA",
      name: "Pat in LA",
      timeZone: "America/Los_Angeles",
      locale: "en-US",
    });
    expect(await directory.userName("U0LA")).toBe("Pat in LA");
    expect(fake.count("U0LA")).toBe(1);
    await fake.close();
  });

  it("makes one call per person per TTL across replicas sharing the store, and asks again after it", async () => {
    const fake = await fakeUsersInfo();
    const store = new MemoryStore();
    const clock = fixedClock("2026-03-20T09:00:00Z");
    const replica = () =>
      new SlackDirectory({
        client: client(fake.url),
        logger: silentLogger,
        clock,
        store,
        storePrefix: "slack:people:T1:",
        ttlMs: 60 * 60_000,
      });
    const [a, b] = [replica(), replica()];
    expect((await a.profile("U0BERLIN"))?.timeZone).toBe("Europe/Berlin");
    expect((await b.profile("U0BERLIN"))?.name).toBe("Kim Vogel");
    expect((await a.profile("U0BERLIN"))?.locale).toBe("de-DE");
    expect(fake.count("U0BERLIN")).toBe(1);
    expect(JSON.parse((await store.get("slack:people:T1:U0BERLIN")) ?? "{}")).toEqual({
      name: "Kim Vogel",
      timeZone: "Europe/Berlin",
      locale: "de-DE",
    });
    await store.close();
    await fake.close();
  });

  it("falls back to the payload's name or the id and the organisation's zone when the scope is missing or Slack rate-limits, without holding the turn", async () => {
    const fake = await fakeUsersInfo();
    const directory = new SlackDirectory({ client: client(fake.url), logger: silentLogger });
    expect(await slackUser(directory, "U0NOSCOPE", "handle")).toEqual({
      platform: "slack",
      id: "U0NOSCOPE",
      name: "handle",
    });
    const started = Date.now();
    const limited = await slackUser(directory, "U0LIMITED");
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(limited).toEqual({ platform: "slack", id: "U0LIMITED" });
    expect(readerOf(limited, undefined, "Europe/Berlin")).toEqual({ timeZone: "Europe/Berlin" });
    await fake.close();
  });
});

describe("a digest posted in a channel", () => {
  it.each([
    { label: "the demo org", timeZone: "UTC", profile: undefined, at: "2026-11-30T18:00:00Z" },
    { label: "the second org", timeZone: "Europe/Berlin", profile: secondOrgProfile, at: "2026-03-29T06:30:00Z" },
  ])("says which zone its days are in, the organisation's, on $label", async ({ timeZone, profile, at }) => {
    const clock = fixedClock(at);
    const ports = createDemoPorts({ clock, ...(profile ? { profile } : {}) });
    const digests = createDigests({ ports, clock, timeZone, store: new MemoryStore() });
    for (const name of ["standup", "close"] as const) {
      const card = await digests[name].run({ preview: true });
      expect(card.blocks.at(-1)).toEqual({ type: "context", text: `Dates in ${timeZone} (the organisation's zone).` });
    }
  });
});
