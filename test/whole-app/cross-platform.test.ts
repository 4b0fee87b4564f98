/**
 * An approval is one record whatever platform it was asked on; the policy recognises a person
 * by their Slack or their Teams id (src/bot/principals.ts), so a click on the other platform
 * is decided as that person. The approval's own card and thread get the decision and the
 * outcome; the clicked message is updated too (it is the clicker's view of that approval).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOrg } from "../../src/config/demo-org.ts";
import { APPROVE_ACTION_ID } from "../../src/core/action-ids.ts";
import { systemClock } from "../../src/core/clock.ts";
import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import { redisSkipReason } from "../support/redis.ts";
import { startWholeApp, type WholeApp } from "../support/whole-app.ts";
import {
  nextTs,
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
  until,
} from "./drive.ts";

const org = onBothPlatforms(demoOrg);
const alex = person(org, "alex"); // every role, finance included
const maria = person(org, "maria"); // engineering
const sarah = person(org, "sarah"); // engineering
const fiona = person(org, "fiona"); // finance

describe.skipIf(redisSkipReason !== undefined)(
  "a click on one platform deciding an approval asked on the other",
  () => {
    let w: WholeApp;
    let writes: UpstreamWrite[];
    beforeAll(async () => {
      const recorded = recordingWrites(createDemoPorts({ clock: systemClock }));
      writes = recorded.writes;
      w = await startWholeApp({ org, ports: recorded.ports, teamsAppId: "00000000-0000-0000-0000-0000000000f1" });
    });
    afterAll(async () => {
      await w?.close();
    });

    it("decides a Slack-asked approval from a Teams click by a listed person: runs once, the Slack card and thread get the decision and outcome", async () => {
      const channel = slackChannelOf("engineering");
      const thread = await slackMention(w, alex, channel, "create a jira issue to prune stale feature flags");
      const card = await slackApprovalCard(w, thread);

      const answer = await teamsClick(w, {
        who: maria,
        conversationId: "a:personal-maria",
        conversationType: "personal",
        replyToId: "teams-view-of-approval",
        verb: APPROVE_ACTION_ID,
        value: card.id,
      });
      expect(answer.status).toBe(200);
      expect(answer.card).toContain(`Approved by ${maria.name}`);

      await until(() =>
        w.slack.posted().find((p) => p.args.thread_ts === thread && /Done:/.test(JSON.stringify(p.args))),
      );
      const slackCard = await until(() =>
        w.slack.calls("chat.update").find((c) => c.ts === card.ts && /Done:/.test(JSON.stringify(c))),
      );
      expect(JSON.stringify(slackCard)).toContain(`Approved by ${maria.name}`);
      expect(JSON.stringify(slackCard)).not.toContain(APPROVE_ACTION_ID);
      // The outcome goes to the approval's thread, not into the clicker's Teams chat.
      expect(w.connector.calls().filter((c) => c.method === "POST" && c.conversationId === "a:personal-maria")).toEqual(
        [],
      );
      expect(putsTo(w, "teams-view-of-approval").length).toBeGreaterThan(0);

      await settle();
      expect(writes.filter((x) => x.idempotencyKey === card.id).map((x) => x.method)).toEqual(["jira.createIssue"]);
      const approved = (await w.app.approvals.audit.list()).find(
        (e) => e.approvalId === card.id && e.event === "approved",
      );
      expect(approved?.actor.id).toBe("maria");
    });

    it("decides a Teams-asked approval from a Slack click by a listed person: runs once, the Teams card and reply chain get the decision and outcome", async () => {
      const conversationId = await teamsMention(
        w,
        alex,
        teamsChannelOf("engineering"),
        "create a jira issue to drop the legacy CSV export",
      );
      const card = await teamsApprovalCard(w, conversationId);
      const slackMessage = nextTs();

      const res = await slackClick(w, {
        who: sarah,
        channel: slackChannelOf("engineering"),
        ts: slackMessage,
        threadTs: slackMessage,
        actionId: APPROVE_ACTION_ID,
        value: card.id,
      });
      expect(res.status).toBe(200);

      await until(() =>
        w.connector
          .calls()
          .find(
            (c) =>
              c.method === "POST" && c.conversationId === conversationId && /Done:/.test(JSON.stringify(c.activity)),
          ),
      );
      const teamsCard = await until(() =>
        putsTo(w, card.activityId).find((c) => /Done:/.test(JSON.stringify(c.activity))),
      );
      expect(JSON.stringify(teamsCard.activity)).toContain(`Approved by ${sarah.name}`);
      expect(JSON.stringify(teamsCard.activity)).not.toContain(APPROVE_ACTION_ID);
      // The clicked Slack message shows the decision; no outcome is posted in Slack.
      expect(JSON.stringify(w.slack.calls("chat.update").filter((c) => c.ts === slackMessage))).toContain(
        `Approved by ${sarah.name}`,
      );
      expect(w.slack.posted().filter((p) => p.args.thread_ts === slackMessage)).toEqual([]);

      await settle();
      expect(writes.filter((x) => x.idempotencyKey === card.id).map((x) => x.method)).toEqual(["jira.createIssue"]);
    });

    it("keeps separation of duties across platforms: who asked on Slack cannot approve the payment from Teams, a finance colleague on Teams can", async () => {
      const channel = slackChannelOf("finance");
      const thread = await slackMention(w, alex, channel, "approve invoice INV-4729");
      const card = await slackApprovalCard(w, thread);
      expect((await w.app.approvals.get(card.id))?.tool).toBe("accounting_approve_invoice");
      const click = (who: typeof alex) =>
        teamsClick(w, {
          who,
          conversationId: `a:personal-${who.teams}`,
          conversationType: "personal",
          replyToId: `view-${who.teams}`,
          verb: APPROVE_ACTION_ID,
          value: card.id,
        });

      const self = await click(alex);
      expect(self.card).toMatch(/You asked for this, so someone else has to decide it/);
      await settle();
      expect((await w.app.approvals.get(card.id))?.status).toBe("pending");
      expect(writes.filter((x) => x.idempotencyKey === card.id)).toEqual([]);

      const colleague = await click(fiona);
      expect(colleague.card).toContain(`Approved by ${fiona.name}`);
      await until(() => w.slack.calls("chat.update").find((c) => c.ts === card.ts && /Done:/.test(JSON.stringify(c))));
      await settle();
      expect(writes.filter((x) => x.idempotencyKey === card.id).map((x) => x.method)).toEqual([
        "accounting.approveInvoice",
      ]);
    });

    it("refuses a Teams click by someone the org does not know on a Slack-asked approval", async () => {
      const thread = await slackMention(
        w,
        alex,
        slackChannelOf("engineering"),
        "create a jira issue to tidy the on-call rota",
      );
      const card = await slackApprovalCard(w, thread);
      // The card may have replaced the turn's placeholder (one chat.update): only later edits count.
      await settle();
      const updatesBefore = w.slack.calls("chat.update").filter((c) => c.ts === card.ts).length;
      const answer = await teamsClick(w, {
        who: { name: "Guest", slack: "U0NOBODY", teams: "29:guest", from: teamsFrom("29:guest") },
        conversationId: "a:personal-guest",
        conversationType: "personal",
        replyToId: "guest-view",
        verb: APPROVE_ACTION_ID,
        value: card.id,
      });
      expect(answer.card).toMatch(/Only someone with the engineering or admin role/);
      await settle();
      expect((await w.app.approvals.get(card.id))?.status).toBe("pending");
      expect(putsTo(w, "guest-view")).toEqual([]);
      expect(w.slack.calls("chat.update").filter((c) => c.ts === card.ts)).toHaveLength(updatesBefore);
    });
  },
);
