import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_ACTION_ID } from "../../src/core/action-ids.ts";
import { redisSkipReason } from "../support/redis.ts";
import { startWholeApp, type WholeApp } from "../support/whole-app.ts";
import {
  orgSpecs,
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
  teamsMention,
  type UpstreamWrite,
  until,
} from "./drive.ts";

describe.skipIf(redisSkipReason !== undefined).each(orgSpecs)("write -> approval card -> click, on $label", (spec) => {
  let w: WholeApp;
  let writes: UpstreamWrite[];
  const asker = person(spec.org, spec.asker);

  beforeAll(async () => {
    const recorded = recordingWrites(spec.ports());
    writes = recorded.writes;
    w = await startWholeApp({ org: spec.org, ports: recorded.ports, teamsAppId: spec.teamsAppId });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("creates the Jira issue once when the Slack card's Approve is clicked twice, updates the card and posts the outcome in the thread", async () => {
    const channel = slackChannelOf(spec.jiraChannel);
    const thread = await slackMention(w, asker, channel, "create a jira issue to rotate the staging TLS certificate");
    const card = await slackApprovalCard(w, thread);
    const approval = await w.app.approvals.get(card.id);
    expect(approval?.tool).toBe("jira_create_issue");

    const click = () =>
      slackClick(w, {
        who: asker,
        channel,
        ts: card.ts,
        threadTs: thread,
        actionId: APPROVE_ACTION_ID,
        value: card.id,
      });
    const answers = await Promise.all([click(), click()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);

    const outcome = await until(() =>
      w.slack.posted().find((p) => p.args.thread_ts === thread && /Done:/.test(JSON.stringify(p.args))),
    );
    expect(outcome.args.channel).toBe(channel);
    const final = await until(() =>
      w.slack
        .calls("chat.update")
        .find((c) => c.ts === card.ts && /Approved by/.test(JSON.stringify(c)) && /Done:/.test(JSON.stringify(c))),
    );
    expect(JSON.stringify(final)).toContain(`Approved by ${asker.name}`);
    expect(JSON.stringify(final)).not.toContain(APPROVE_ACTION_ID);
    // The losing click is told, only the clicker sees it.
    const told = await until(() =>
      w.slack.calls("chat.postEphemeral").find((c) => c.user === asker.slack && /already/i.test(JSON.stringify(c))),
    );
    expect(told.channel).toBe(channel);

    await settle();
    const mine = writes.filter((x) => x.idempotencyKey === card.id);
    expect(mine.map((x) => x.method)).toEqual(["jira.createIssue"]);
    expect(JSON.stringify(mine[0]?.args)).toContain("rotate the staging TLS certificate");
    expect((await w.app.approvals.get(card.id))?.outcome?.ok).toBe(true);
  });

  it("creates the Jira issue once when the Teams card's Approve is clicked twice, updates the card for everyone and posts the outcome in the reply chain", async () => {
    const conversationId = await teamsMention(
      w,
      asker,
      teamsChannelOf(spec.jiraChannel),
      "create a jira issue to renew the build agents' signing key",
    );
    const card = await teamsApprovalCard(w, conversationId);
    expect((await w.app.approvals.get(card.id))?.tool).toBe("jira_create_issue");

    const click = () =>
      teamsClick(w, {
        who: asker,
        conversationId,
        replyToId: card.activityId,
        verb: APPROVE_ACTION_ID,
        value: card.id,
      });
    const answers = await Promise.all([click(), click()]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    // The clicker's view: one click decided it, the other was told it already was; no buttons either way.
    expect(answers.some((a) => a.card.includes(`Approved by ${asker.name}`))).toBe(true);
    expect(answers.some((a) => /already/i.test(a.card))).toBe(true);
    expect(answers.find((a) => a.card.includes("Approved by"))?.card).not.toContain(APPROVE_ACTION_ID);

    const outcome = await until(() =>
      w.connector
        .calls()
        .find(
          (c) => c.method === "POST" && c.conversationId === conversationId && /Done:/.test(JSON.stringify(c.activity)),
        ),
    );
    expect(outcome.authorization).toMatch(/^Bearer /);
    const final = await until(() => putsTo(w, card.activityId).find((c) => /Done:/.test(JSON.stringify(c.activity))));
    expect(JSON.stringify(final.activity)).toContain(`Approved by ${asker.name}`);
    expect(JSON.stringify(final.activity)).not.toContain(APPROVE_ACTION_ID);

    await settle();
    const mine = writes.filter((x) => x.idempotencyKey === card.id);
    expect(mine.map((x) => x.method)).toEqual(["jira.createIssue"]);
    expect(JSON.stringify(mine[0]?.args)).toContain("signing key");
  });
});
