/**
 * Issue 16 on both platforms through the whole app (real sockets, the work queue, the offline
 * agent): renewals asked in a Slack channel, the renewal draft and its "log it" approval in the
 * same Slack thread, and the sprint retro in a Teams channel, on the demo and the second
 * organisation. Expected names and figures come from a fresh copy of the same organisation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_ACTION_ID } from "../../src/core/action-ids.ts";
import { systemClock } from "../../src/core/clock.ts";
import { localToday, shiftMonth } from "../../src/core/period.ts";
import { upcomingRenewals } from "../../tools/crm/renewals.ts";
import { redisSkipReason } from "../support/redis.ts";
import { slackTeam, startWholeApp, type WholeApp } from "../support/whole-app.ts";
import {
  nextTs,
  orgSpecs,
  person,
  slackApprovalCard,
  slackChannelOf,
  slackMention,
  teamsChannelOf,
  teamsInstall,
  teamsMention,
  until,
} from "./drive.ts";

const crmChannel = (label: string) => (label.includes("second") ? "vertrieb" : "success");

describe.skipIf(redisSkipReason !== undefined).each(orgSpecs)("renewals and the retro on $label", (spec) => {
  let w: WholeApp;
  const asker = person(spec.org, spec.asker);
  const ports = spec.ports();

  beforeAll(async () => {
    w = await startWholeApp({ org: spec.org, ports: spec.ports(), teamsAppId: spec.teamsAppId });
  });
  afterAll(async () => {
    await w?.close();
  });

  const slackReply = (thread: string, test: (text: string) => boolean) =>
    until(
      () => w.slack.posted().find((p) => p.args.thread_ts === thread && test(JSON.stringify(p.args))),
      15_000,
      "a Slack reply",
    );

  it("answers 'which accounts renew next month?' in its Slack thread with the accounts from the data", async () => {
    const now = systemClock.now();
    const month = shiftMonth(localToday(now, spec.org.timezone).slice(0, 7), 1);
    const expected = upcomingRenewals(await ports.crm.listCustomers(), now, spec.org.timezone, { month });
    const channel = slackChannelOf(crmChannel(spec.label));
    const thread = await slackMention(w, asker, channel, "which accounts renew next month?");
    const reply = await slackReply(thread, (t) => /renew/.test(t));
    const body = JSON.stringify(reply.args);
    expect(body).toContain(`${expected.length} accounts renew`);
    for (const r of expected.slice(0, 5)) expect(body).toContain(r.customer.name);
  });

  it("drafts the renewal email in a Slack thread and asks for approval when told to log it", async () => {
    const now = systemClock.now();
    const [first] = upcomingRenewals(await ports.crm.listCustomers(), now, spec.org.timezone);
    const channel = slackChannelOf(crmChannel(spec.label));
    const thread = await slackMention(w, asker, channel, `draft the renewal email for ${first!.customer.name}`);
    const draft = await slackReply(thread, (t) => /Subject/.test(t));
    expect(JSON.stringify(draft.args)).toContain(`renewal on ${first!.renewalDate}`);

    const ts = nextTs();
    const res = await w.slackEvent({
      type: "app_mention",
      user: asker.slack,
      text: "<@U0WHOLEBOT> log it",
      channel,
      ts,
      event_ts: ts,
      thread_ts: thread,
      team: slackTeam,
    });
    expect(res.status).toBe(200);
    const card = await slackApprovalCard(w, thread);
    const approval = await w.app.approvals.get(card.id);
    expect(approval?.tool).toBe("crm_log_activity");
    expect(JSON.stringify(approval?.args)).toContain(first!.customer.id);
    expect(JSON.stringify(w.slack.posted().find((p) => p.ts === card.ts)?.args)).toContain(APPROVE_ACTION_ID);
  });

  it("posts the sprint retro in a Teams channel's reply chain with the carry-over from the data", async () => {
    const sprint = (await ports.jira.getActiveSprint())!;
    const open = [...(await ports.jira.getSprintIssues(sprint.id))].filter((i) => i.statusCategory !== "done");
    const channel = teamsChannelOf(spec.jiraChannel);
    await teamsInstall(w, asker, channel);
    const conversation = await teamsMention(w, asker, channel, "sprint retro");
    const reply = await until(
      () =>
        w.connector
          .calls()
          .find((c) => c.conversationId === conversation && /Retro for/.test(JSON.stringify(c.activity))),
      15_000,
      "a Teams reply",
    );
    const body = JSON.stringify(reply.activity);
    expect(body).toContain(sprint.name);
    expect(body).toContain(`${open.length} open issues`);
    expect(body).toContain("application/vnd.microsoft.card.adaptive");
  });
});
