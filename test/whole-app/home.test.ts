import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDecider } from "../../src/approvals/policy.ts";
import { createPrincipalResolver } from "../../src/bot/principals.ts";
import { APPROVE_ACTION_ID } from "../../src/core/action-ids.ts";
import { blockKitViolations } from "../support/block-kit.ts";
import { redisSkipReason } from "../support/redis.ts";
import { slackTeam, startWholeApp, type WholeApp } from "../support/whole-app.ts";
import {
  nextTs,
  orgSpecs,
  type Person,
  person,
  recordingWrites,
  settle,
  slackApprovalCard,
  slackChannelOf,
  slackClick,
  slackMention,
  type UpstreamWrite,
  until,
} from "./drive.ts";

type View = { type: string; blocks: unknown[] };

async function openHome(w: WholeApp, who: Person): Promise<View> {
  const before = w.slack.calls("views.publish").length;
  const res = await w.slackEvent({
    type: "app_home_opened",
    user: who.slack,
    channel: `D${who.slack}`,
    tab: "home",
    event_ts: nextTs(),
  });
  expect(res.status).toBe(200);
  return latestHome(w, who, before);
}

async function latestHome(w: WholeApp, who: Person, after: number): Promise<View> {
  const call = await until(
    () =>
      w.slack
        .calls("views.publish")
        .slice(after)
        .find((c) => c.user_id === who.slack),
    15_000,
    "a Home tab published",
  );
  const view = call.view as View;
  expect(view.type).toBe("home");
  expect(blockKitViolations({ text: "home", blocks: view.blocks as never })).toEqual([]);
  return view;
}

/** Whether the view has a live Approve button for this approval. */
function approvable(view: View, id: string): boolean {
  const found: boolean[] = [];
  JSON.stringify(view.blocks, (_k, v: unknown) => {
    const e = v as { action_id?: unknown; value?: unknown } | null;
    if (e && typeof e.action_id === "string" && e.action_id.startsWith(APPROVE_ACTION_ID) && e.value === id)
      found.push(true);
    return v;
  });
  return found.length > 0;
}

describe.skipIf(redisSkipReason !== undefined).each(orgSpecs)("App Home and the Jira shortcut, on $label", (spec) => {
  let w: WholeApp;
  let writes: UpstreamWrite[];
  const asker = person(spec.org, spec.asker);
  const principals = createPrincipalResolver(spec.org);

  beforeAll(async () => {
    const recorded = recordingWrites(spec.ports());
    writes = recorded.writes;
    w = await startWholeApp({ org: spec.org, ports: recorded.ports, teamsAppId: spec.teamsAppId });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("shows a person the approvals they may decide and what they asked; someone the policy does not list gets nothing to click", async () => {
    const channel = slackChannelOf(spec.jiraChannel);
    const thread = await slackMention(
      w,
      asker,
      channel,
      "create a jira issue to rotate the deploy key of the build farm",
    );
    const card = await slackApprovalCard(w, thread);
    const approval = await w.app.approvals.get(card.id);
    if (!approval) throw new Error("the approval is not stored");

    const home = await openHome(w, asker);
    expect(approvable(home, card.id)).toBe(true);
    expect(JSON.stringify(home.blocks)).toContain("rotate the deploy key of the build farm");

    const outsider = spec.org.users.find(
      (u) =>
        u.slack && u.teams && !checkDecider(approval, principals.resolve({ platform: "slack", id: u.slack })).allowed,
    );
    if (!outsider) throw new Error(`${spec.label} has nobody the jira policy leaves out`);
    const theirs = await openHome(w, person(spec.org, outsider.id));
    expect(JSON.stringify(theirs.blocks)).not.toContain(card.id);
    expect(JSON.stringify(theirs.blocks)).not.toContain("rotate the deploy key");
  });

  it("executes once when Approve is clicked on the Home tab, updates the card in the thread and publishes the Home without it", async () => {
    const channel = slackChannelOf(spec.jiraChannel);
    const thread = await slackMention(
      w,
      asker,
      channel,
      "create a jira issue to renew the staging wildcard certificate",
    );
    const card = await slackApprovalCard(w, thread);
    await openHome(w, asker);

    const before = w.slack.calls("views.publish").length;
    const click = () =>
      w.slackInteraction({
        type: "block_actions",
        team: { id: slackTeam, domain: "whole-app" },
        user: { id: asker.slack, username: asker.name, name: asker.name, team_id: slackTeam },
        api_app_id: "A0DAYBOOK",
        token: "legacy",
        trigger_id: `${Date.now()}.1.abc`,
        container: { type: "view", view_id: "V0HOME" },
        view: { id: "V0HOME", type: "home", team_id: slackTeam, app_installed_team_id: slackTeam },
        actions: [
          {
            type: "button",
            action_id: APPROVE_ACTION_ID,
            block_id: "b1",
            value: card.id,
            action_ts: String(Date.now() / 1000),
          },
        ],
      });
    const answers = await Promise.all([click(), click()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);

    const outcome = await until(() =>
      w.slack.posted().find((p) => p.args.thread_ts === thread && /Done:/.test(JSON.stringify(p.args))),
    );
    expect(outcome.args.channel).toBe(channel);
    const final = await until(() =>
      w.slack.calls("chat.update").find((c) => c.ts === card.ts && /Approved by/.test(JSON.stringify(c))),
    );
    expect(JSON.stringify(final)).not.toContain(APPROVE_ACTION_ID);
    const republished = await latestHome(w, asker, before);
    expect(approvable(republished, card.id)).toBe(false);

    await settle();
    expect(writes.filter((x) => x.idempotencyKey === card.id).map((x) => x.method)).toEqual(["jira.createIssue"]);
  });

  it("lists what the person asked recently on their Home", async () => {
    await slackMention(w, asker, slackChannelOf(spec.jiraChannel), "what's blocking the sprint?");
    const home = await until(async () => undefined, 1).catch(() => undefined);
    void home;
    await until(() => (w.slack.posted().length > 0 ? true : undefined));
    await settle(800);
    const view = await openHome(w, asker);
    expect(JSON.stringify(view.blocks)).toContain("blocking the sprint");
  });

  it("turns a message into a Jira approval card with its text through the shortcut, and creates the issue once when approved", async () => {
    const channel = slackChannelOf(spec.jiraChannel);
    const ts = nextTs();
    const text = "Login page times out on Safari 17\nSteps: open the login page on a slow network and wait 30 s.";
    const res = await w.slackInteraction({
      type: "message_action",
      callback_id: "create_jira_issue",
      trigger_id: `${Date.now()}.2.abc`,
      team: { id: slackTeam, domain: "whole-app" },
      user: { id: asker.slack, username: asker.name, name: asker.name, team_id: slackTeam },
      channel: { id: channel, name: spec.jiraChannel },
      message: { type: "message", user: asker.slack, ts, text },
      message_ts: ts,
      response_url: `${w.slack.url}/respond`,
      token: "legacy",
      api_app_id: "A0DAYBOOK",
    });
    expect(res.status).toBe(200);
    const card = await slackApprovalCard(w, ts);
    const posted = w.slack.posted().find((p) => p.ts === card.ts);
    expect(JSON.stringify(posted?.args)).toContain("Login page times out on Safari 17");
    expect(JSON.stringify(posted?.args)).toContain("slow network");
    const approval = await w.app.approvals.get(card.id);
    expect(approval?.tool).toBe("jira_create_issue");
    expect(approval?.requester.chatUser.id).toBe(asker.slack);
    expect(approval?.args.summary).toBe("Login page times out on Safari 17");

    const click = () =>
      slackClick(w, { who: asker, channel, ts: card.ts, threadTs: ts, actionId: APPROVE_ACTION_ID, value: card.id });
    await Promise.all([click(), click()]);
    await until(() => w.slack.posted().find((p) => p.args.thread_ts === ts && /Done:/.test(JSON.stringify(p.args))));
    await settle();
    const mine = writes.filter((x) => x.idempotencyKey === card.id);
    expect(mine.map((x) => x.method)).toEqual(["jira.createIssue"]);
    expect(JSON.stringify(mine[0]?.args)).toContain("slow network");
  });
});
