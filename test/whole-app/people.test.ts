import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDecider } from "../../src/approvals/policy.ts";
import { createPrincipalResolver } from "../../src/bot/principals.ts";
import { APPROVE_ACTION_ID } from "../../src/core/action-ids.ts";
import { formatForReader, type Reader, readerOf } from "../../src/core/reader-time.ts";
import { redisSkipReason } from "../support/redis.ts";
import { startWholeApp, type WholeApp } from "../support/whole-app.ts";
import {
  nextTs,
  orgSpecs,
  type Person,
  person,
  settle,
  slackApprovalCard,
  slackChannelOf,
  slackClick,
  slackMention,
  teamsBase,
  teamsChannelOf,
  teamsMention,
  until,
} from "./drive.ts";

/**
 * People see their own names and times, end to end: the composed app asks the fake Slack Web API
 * users.info for who is talking (once per person per TTL), puts names on cards, sends times that
 * Slack and Teams show in each reader's zone, and formats a person's own Home in their zone and
 * locale. A users.info that fails leaves the id and the organisation's zone, never the reply.
 */
const LA: Reader = { timeZone: "America/Los_Angeles", locale: "en-US" };
const BERLIN: Reader = { timeZone: "Europe/Berlin", locale: "de-DE" };

type View = { type: string; blocks: unknown[] };

describe.skipIf(redisSkipReason !== undefined).each(orgSpecs)("names and times, on $label", (spec) => {
  let w: WholeApp;
  const asker = person(spec.org, spec.asker);
  const principals = createPrincipalResolver(spec.org);
  // Someone the Jira policy lets decide the asker's request, and someone with no usable profile.
  const others = spec.org.users.filter((u) => u.slack && u.teams && u.id !== spec.asker);
  let approver: Person;
  let approverId = "";
  let noProfile: Person | undefined;
  let memberLookups = 0;

  beforeAll(async () => {
    w = await startWholeApp({
      org: spec.org,
      ports: spec.ports(),
      teamsAppId: spec.teamsAppId,
      // Teams' member info (TeamsInfo.getMember) for a sender whose activity names nobody.
      connectorApi: (req) => {
        const member = /^\/v3\/conversations\/[^/]+\/members\/([^/?]+)$/.exec(req.path);
        if (req.method !== "GET" || !member) return undefined;
        memberLookups++;
        const id = decodeURIComponent(member[1] ?? "");
        return {
          body: { id, name: "Dana Okoro", givenName: "Dana", surname: "Okoro", aadObjectId: "aad-wa-stranger" },
        };
      },
      slackApi: (req) => {
        if (req.path !== "/api/users.info") return undefined;
        const user = new URLSearchParams(req.body).get("user");
        if (user === asker.slack)
          return {
            body: {
              ok: true,
              user: { id: user, tz: LA.timeZone, locale: LA.locale, profile: { display_name: "Pat LA" } },
            },
          };
        if (user === noProfile?.slack) return { body: { ok: false, error: "missing_scope", needed: "users:read" } };
        return {
          body: {
            ok: true,
            user: { id: user, tz: BERLIN.timeZone, locale: BERLIN.locale, profile: { real_name: "Kim" } },
          },
        };
      },
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  const usersInfoFor = (who: Person) =>
    w.slack.calls("users.info").filter((c) => c.user === who.slack && String(c.include_locale) === "true").length;

  async function openHome(who: Person): Promise<string> {
    const before = w.slack.calls("views.publish").length;
    await w.slackEvent({
      type: "app_home_opened",
      user: who.slack,
      channel: `D${who.slack}`,
      tab: "home",
      event_ts: nextTs(),
    });
    const call = await until(
      () =>
        w.slack
          .calls("views.publish")
          .slice(before)
          .find((c) => c.user_id === who.slack),
      15_000,
      "a Home tab",
    );
    return JSON.stringify((call.view as View).blocks);
  }

  it("puts the approver's name and a per-reader time on the Slack card, so Los Angeles and Berlin each read the decision in their own zone", async () => {
    const channel = slackChannelOf(spec.jiraChannel);
    const thread = await slackMention(
      w,
      asker,
      channel,
      "create a jira issue to rotate the signing key of the release bot",
    );
    const card = await slackApprovalCard(w, thread);
    const stored = await w.app.approvals.get(card.id);
    if (!stored) throw new Error("the approval is not stored");
    const decider = others.find(
      (u) => checkDecider(stored, principals.resolve({ platform: "slack", id: u.slack ?? "" })).allowed,
    );
    if (!decider) throw new Error(`${spec.label} has nobody who may decide the request`);
    approver = person(spec.org, decider.id);
    approverId = decider.id;
    const posted = JSON.stringify(w.slack.posted().find((p) => p.ts === card.ts)?.args);
    expect(posted).toContain(`<!date^${Math.floor(stored.expiresAt / 1000)}^{date_short_pretty} at {time}|`);
    expect(posted).toContain(asker.name);

    const res = await slackClick(w, {
      who: approver,
      channel,
      ts: card.ts,
      threadTs: thread,
      actionId: APPROVE_ACTION_ID,
      value: card.id,
    });
    expect(res.status).toBe(200);
    let decided = await w.app.approvals.get(card.id);
    for (let i = 0; i < 200 && !decided?.decidedAt; i++) {
      await settle(50);
      decided = await w.app.approvals.get(card.id);
    }
    if (!decided?.decidedAt) throw new Error("the approval was not decided");
    const updated = await until(() =>
      w.slack.calls("chat.update").find((c) => c.ts === card.ts && /Approved by/.test(JSON.stringify(c))),
    );
    // One message, one token: Slack renders it per reader (9:00 AM PST for one, 18:00 MEZ for the other).
    expect(JSON.stringify(updated)).toContain(
      `Approved by ${approver.name} at <!date^${Math.floor((decided.decidedAt ?? 0) / 1000)}^{date_short_pretty} at {time}|`,
    );
    expect(JSON.stringify(updated)).not.toContain(approver.slack);
  });

  it("shows each person's Home in their own zone and locale, from one users.info call per person", async () => {
    const channel = slackChannelOf(spec.jiraChannel);
    const thread = await slackMention(w, asker, channel, "create a jira issue to archive the old build logs");
    const card = await slackApprovalCard(w, thread);
    const stored = await w.app.approvals.get(card.id);
    if (!stored) throw new Error("the approval is not stored");
    const asked = await slackMention(w, approver, channel, "what's blocking the sprint?");
    await until(() => w.slack.posted().find((p) => p.args.thread_ts === asked));
    await settle(300);
    const [mine, theirs] = [await openHome(asker), await openHome(approver)];
    // Both may decide it: the card on each Home carries one token, which Slack shows in each zone.
    const token = `<!date^${Math.floor(stored.expiresAt / 1000)}^{date_short_pretty} at {time}|`;
    expect(mine).toContain(token);
    expect(theirs).toContain(token);
    // What each asked is listed at their own wall clock, in their own language: the asker in
    // Los Angeles time in English, the approver in Berlin time in German.
    expect(mine).toMatch(/\((Mon|Tue|Wed|Thu|Fri|Sat|Sun), [A-Z][a-z]{2} \d{1,2}, \d\d:\d\d (AM|PM) P[SD]T\)/);
    expect(theirs).toMatch(/\((Mo|Di|Mi|Do|Fr|Sa|So)\., \d{1,2}\. [A-Z][a-zä]{2,3}\.?, \d\d:\d\d MES?Z\)/);
    expect(theirs).not.toMatch(/ P[SD]T/);
    await openHome(asker);
    expect(usersInfoFor(asker)).toBe(1);
    expect(usersInfoFor(approver)).toBe(1);
  });

  it("falls back to the id and the organisation's zone when users.info is refused, and still answers", async () => {
    const candidate = others.find((u) => u.id !== approverId);
    if (!candidate) throw new Error("nobody else in the org");
    const refused = person(spec.org, candidate.id);
    noProfile = refused;
    const before = w.slack.posted().length;
    const ts = await slackMention(w, refused, slackChannelOf(spec.jiraChannel), "what is blocking the sprint?");
    const reply = await until(() =>
      w.slack
        .posted()
        .slice(before)
        .find((p) => p.args.thread_ts === ts),
    );
    expect(String(reply.args.text)).not.toBe("");
    // Their Home: times in their configured zone, else the organisation's.
    await settle(300);
    const home = await openHome(refused);
    const reader = readerOf({}, candidate.timezone, spec.org.timezone);
    const zone = formatForReader(Date.now(), reader).split(" ").at(-1) ?? "";
    expect(home).toContain(`${zone})`);
    // The refusal is remembered for a while, not asked again on every event.
    expect(usersInfoFor(refused)).toBe(1);
  });

  it("reads a Teams person's zone from the activity ('tomorrow at 9' is 9:00 in Los Angeles) and names the asker on the approval card, its expiry in each reader's zone", async () => {
    const conversation = teamsChannelOf("personal-la");
    const res = await w.teamsActivity({
      ...teamsBase(w, asker, conversation, "personal"),
      type: "message",
      id: `la-${nextTs()}`,
      text: "remind me about the renewal call tomorrow at 9",
      localTimezone: LA.timeZone,
      locale: LA.locale,
    });
    expect(res.status).toBeLessThan(300);
    const said = await until(() =>
      w.connector
        .calls()
        .find((c) => c.conversationId === conversation && /remind you about/.test(JSON.stringify(c.activity))),
    );
    expect(JSON.stringify(said.activity)).toContain(`(${LA.timeZone})`);

    const channel = teamsChannelOf(spec.jiraChannel);
    const chain = await teamsMention(w, asker, channel, "create a jira issue to renew the status page certificate");
    // The card's post (or the placeholder it replaced, where turns show one).
    const card = await until(
      () =>
        w.connector
          .calls()
          .find((c) => c.conversationId === chain && JSON.stringify(c.activity).includes(APPROVE_ACTION_ID)),
      15_000,
      "a Teams approval card",
    );
    const id = /"value":"([a-z0-9]{10})"/.exec(JSON.stringify(card.activity))?.[1];
    const stored = id ? await w.app.approvals.get(id) : undefined;
    if (!stored) throw new Error("the Teams approval is not stored");
    // Teams shows the expiry in each reader's zone and locale.
    const iso = `${new Date(stored.expiresAt).toISOString().slice(0, 19)}Z`;
    expect(JSON.stringify(card.activity)).toContain(`{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`);
    expect(JSON.stringify(card.activity)).toContain(asker.name);
  });

  it("names a Teams sender whose activity carries no name from Teams' member info, asked once per TTL, in the audit trail of what they tried", async () => {
    const channel = teamsChannelOf(spec.jiraChannel);
    const chain = await teamsMention(w, asker, channel, "create a jira issue to prune the stale feature flags");
    const card = await until(
      () =>
        w.connector
          .calls()
          .find((c) => c.conversationId === chain && JSON.stringify(c.activity).includes(APPROVE_ACTION_ID)),
      15_000,
      "a Teams approval card",
    );
    const id = /"value":"([a-z0-9]{10})"/.exec(JSON.stringify(card.activity))?.[1] ?? "";
    const stranger: Person = {
      name: "",
      slack: "U0NOBODY",
      teams: "29:wa-stranger",
      from: { id: "29:wa-stranger", aadObjectId: "aad-wa-stranger" },
    };
    const click = async () => {
      const base = teamsBase(w, stranger, chain, "channel");
      const { name: _none, ...from } = base.from;
      await w.teamsActivity({
        ...base,
        from,
        type: "invoke",
        name: "adaptiveCard/action",
        id: `invoke-${nextTs()}`,
        replyToId: card.responseId,
        value: { action: { type: "Action.Execute", verb: APPROVE_ACTION_ID, data: { value: id } }, trigger: "manual" },
      });
    };
    await click();
    await click();
    await settle(300);
    const entries = (await w.app.store.range("audit:log", 0, -1)).map((e) => JSON.parse(e) as Record<string, unknown>);
    const refused = entries.filter((e) => e.approvalId === id && e.event === "refused");
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.map((e) => (e.actor as { name: string }).name)).toContain("Dana Okoro");
    expect(memberLookups).toBe(1);
  });
});
