import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOrg } from "../../src/config/demo-org.ts";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../../src/core/action-ids.ts";
import { systemClock } from "../../src/core/clock.ts";
import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import { redisSkipReason } from "../support/redis.ts";
import { startWholeApp, type WholeApp } from "../support/whole-app.ts";
import {
  onBothPlatforms,
  person,
  putsTo,
  recordingWrites,
  settle,
  slackApprovalCard,
  slackChannelOf,
  slackClick,
  slackMention,
  teamsApprovalCard,
  teamsChannelOf,
  teamsClick,
  teamsFrom,
  teamsMention,
  type UpstreamWrite,
} from "./drive.ts";

const org = onBothPlatforms(demoOrg);
const alex = person(org, "alex");
const sam = person(org, "sam"); // sales only: may not decide Jira writes
const fiona = person(org, "fiona"); // finance only
const stranger = { name: "Visitor", slack: "U0NOTCONFIGURED", teams: "29:visitor", from: teamsFrom("29:visitor") };

describe.skipIf(redisSkipReason !== undefined)("a click by someone the policy does not list", () => {
  let w: WholeApp;
  let writes: UpstreamWrite[];
  beforeAll(async () => {
    const recorded = recordingWrites(createDemoPorts({ clock: systemClock }));
    writes = recorded.writes;
    w = await startWholeApp({ org, ports: recorded.ports, teamsAppId: "00000000-0000-0000-0000-0000000000e1" });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("is refused on Slack with a notice only the clicker sees, and changes neither the card, the record nor Jira", async () => {
    const channel = slackChannelOf("engineering");
    const thread = await slackMention(w, alex, channel, "create a jira issue to archive the old status page");
    const card = await slackApprovalCard(w, thread);
    await settle();
    const updatesBefore = w.slack.calls("chat.update").length;
    const inThread = () => w.slack.posted().filter((p) => p.args.thread_ts === thread).length;
    const postsBefore = inThread();

    for (const [who, actionId] of [
      [sam, APPROVE_ACTION_ID],
      [sam, REJECT_ACTION_ID],
      [stranger, APPROVE_ACTION_ID],
    ] as const) {
      const res = await slackClick(w, { who, channel, ts: card.ts, threadTs: thread, actionId, value: card.id });
      expect(res.status).toBe(200);
    }
    await settle(800);
    const notices = w.slack.calls("chat.postEphemeral");
    expect(notices.filter((n) => n.user === sam.slack)).toHaveLength(2);
    expect(notices.filter((n) => n.user === stranger.slack)).toHaveLength(1);
    for (const n of notices) expect(JSON.stringify(n)).toMatch(/Only someone with the engineering or admin role/);
    expect(w.slack.calls("chat.update").length).toBe(updatesBefore);
    expect(inThread()).toBe(postsBefore);
    expect((await w.app.approvals.get(card.id))?.status).toBe("pending");
    expect(writes).toEqual([]);

    // The refusals are on the record.
    const refused = (await w.app.approvals.audit.list()).filter(
      (e) => e.approvalId === card.id && e.event === "refused",
    );
    expect(refused.map((e) => e.actor.id).sort()).toEqual(["sam", "sam", `slack:${stranger.slack}`]);
  });

  it("is refused on Teams in the clicker's own view of the card, with nothing edited or posted for everyone", async () => {
    const conversationId = await teamsMention(
      w,
      alex,
      teamsChannelOf("engineering"),
      "create a jira issue to retire the v1 API",
    );
    const card = await teamsApprovalCard(w, conversationId);
    await settle();
    const postsBefore = w.connector.calls().filter((c) => c.conversationId === conversationId).length;

    for (const who of [fiona, stranger]) {
      const answer = await teamsClick(w, {
        who,
        conversationId,
        replyToId: card.activityId,
        verb: APPROVE_ACTION_ID,
        value: card.id,
      });
      expect(answer.status).toBe(200);
      expect(answer.card).toMatch(/Only someone with the engineering or admin role/);
      // Their view keeps the buttons: the approval is still open for someone listed.
      expect(answer.card).toContain(APPROVE_ACTION_ID);
    }
    await settle(800);
    expect(putsTo(w, card.activityId)).toEqual([]);
    expect(w.connector.calls().filter((c) => c.conversationId === conversationId).length).toBe(postsBefore);
    expect((await w.app.approvals.get(card.id))?.status).toBe("pending");
    expect(writes).toEqual([]);
  });
});
