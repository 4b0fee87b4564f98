import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOrg } from "../../src/config/demo-org.ts";
import { redisSkipReason } from "../support/redis.ts";
import { slackTeam, startWholeApp, type WholeApp } from "../support/whole-app.ts";
import {
  orgSpecs,
  person,
  slackChannelOf,
  slackMention,
  teamsApprovalCard,
  teamsChannelOf,
  teamsMention,
  until,
} from "./drive.ts";

describe.skipIf(redisSkipReason !== undefined)("the composed app over real sockets, Slack and Teams configured", () => {
  let w: WholeApp;
  beforeAll(async () => {
    w = await startWholeApp({ org: demoOrg });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("answers a Slack channel mention in its thread from the agent, not an echo", async () => {
    const res = await w.slackEvent({
      type: "app_mention",
      user: "U0DEMOALEX",
      text: "<@U0WHOLEBOT> what's blocking the sprint?",
      channel: "C0ENGINEERING",
      ts: "1764493100.000100",
      team: slackTeam,
    });
    expect(res.status).toBe(200);
    // The answer replaces the turn's placeholder (posted() shows messages as they read now).
    const reply = await until(
      () =>
        w.slack.posted().find((p) => p.args.thread_ts === "1764493100.000100" && !/working/i.test(String(p.args.text)))
          ?.args,
    );
    expect(reply.channel).toBe("C0ENGINEERING");
    expect(String(reply.text)).not.toMatch(/you asked/i);
    expect(JSON.stringify(reply)).toMatch(/block/i);
  });

  it("answers a Teams personal chat with a token fetched from the identity provider", async () => {
    const serviceUrl = `${w.connector.url}/`;
    const res = await w.teamsActivity({
      type: "message",
      id: "teams-in-1",
      channelId: "msteams",
      serviceUrl,
      text: "which deals need me today?",
      from: { id: "29:demo-alex", name: "Alex Rivera", aadObjectId: "aad-alex" },
      recipient: { id: `28:${w.teamsAuth.appId}`, name: "daybook" },
      conversation: { id: "a:personal-alex", conversationType: "personal", tenantId: w.teamsAuth.tenantId },
      channelData: { tenant: { id: w.teamsAuth.tenantId } },
      timestamp: new Date().toISOString(),
    });
    expect(res.status).toBeLessThan(300);
    const reply = await until(() =>
      w.connector.calls().find((c) => c.conversationId === "a:personal-alex" && c.activity.type === "message"),
    );
    expect(reply.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(JSON.stringify(reply.activity)).toMatch(/deal/i);
    expect(JSON.stringify(reply.activity)).not.toMatch(/you asked/i);
  });

  it("refuses a Teams activity whose token was minted for another bot, and posts nothing", async () => {
    const before = w.connector.calls().length;
    const activity = {
      type: "message",
      id: "teams-in-2",
      channelId: "msteams",
      serviceUrl: `${w.connector.url}/`,
      text: "which deals need me today?",
      from: { id: "29:demo-alex", name: "Alex Rivera" },
      recipient: { id: `28:${w.teamsAuth.appId}`, name: "daybook" },
      conversation: { id: "a:personal-alex-2", conversationType: "personal", tenantId: w.teamsAuth.tenantId },
    };
    const res = await fetch(`${w.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", ...w.teamsAuth.headers(activity, { aud: "some-other-bot" }) },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.connector.calls().length).toBe(before);
  });
});

describe.skipIf(redisSkipReason !== undefined).each(orgSpecs)("questions answered in thread on $label", (spec) => {
  let w: WholeApp;
  const asker = person(spec.org, spec.asker);
  beforeAll(async () => {
    w = await startWholeApp({ org: spec.org, ports: spec.ports(), teamsAppId: spec.teamsAppId });
  });
  afterAll(async () => {
    await w?.close();
  });
  // Read from the org's own data, so the check holds for whichever organisation this is.
  const ownIssueKey = async () => (await spec.ports().jira.searchIssues({})).items[0]?.key.replace(/-\d+$/, "-") ?? "";

  it("answers a Slack channel mention in its thread with the org's own issues", async () => {
    const thread = await slackMention(w, asker, slackChannelOf(spec.jiraChannel), "what's blocking the sprint?");
    const reply = await until(() => w.slack.posted().find((p) => p.args.thread_ts === thread));
    expect(reply.args.channel).toBe(slackChannelOf(spec.jiraChannel));
    expect(JSON.stringify(reply.args)).toContain(await ownIssueKey());
    expect(JSON.stringify(reply.args)).not.toMatch(/you asked/i);
  });

  it("answers a Teams channel mention in its reply chain with the org's own issues", async () => {
    const conversationId = await teamsMention(
      w,
      asker,
      teamsChannelOf(spec.jiraChannel),
      "what's blocking the sprint?",
    );
    const reply = await until(() =>
      w.connector
        .calls()
        .find((c) => c.method === "POST" && c.conversationId === conversationId && c.activity.type === "message"),
    );
    expect(reply.authorization).toMatch(/^Bearer /);
    expect(JSON.stringify(reply.activity)).toContain(await ownIssueKey());
  });

  it("knows a Teams person by the id the org lists (a 29: id or an AAD object id) when Teams sends both", async () => {
    const conversationId = await teamsMention(
      w,
      asker,
      teamsChannelOf(spec.jiraChannel),
      "create a jira issue to check who asked for this",
    );
    const card = await teamsApprovalCard(w, conversationId);
    expect((await w.app.approvals.get(card.id))?.requester.principalId).toBe(spec.asker);
  });
});
