/**
 * One sentence, one change set (issue 16, item 3): "log a call with <customer>: scheduled
 * training Thursday 2pm, upsold the onboarding package for $2K" through the real agent (offline
 * model) on the demo and the second organisation, on two dates, with a requester whose own
 * timezone is not the organisation's: ONE approval card lists the call note (credited to the
 * requester), the follow-up task at Thursday 14:00 in the requester's zone and the new deal in
 * the won stage; approving it twice writes each once. Through the real HubSpot connector against
 * the local fake the health-score property is set too, and a failed step is retried alone.
 */
import { TZDate } from "@date-fns/tz";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { changeSetCall } from "../chains/agent/offline/change-set.ts";
import { resultCard } from "../src/approvals/approval-card.ts";
import { Approvals } from "../src/approvals/approvals.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { APPROVE_ACTION_ID, RETRY_STEPS_ACTION_ID } from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { CrmPort } from "../src/core/domain/crm.ts";
import { DaybookError } from "../src/core/errors.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { crmChangeSetAction } from "../tools/crm/change-set.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { EntityLabels, formatMoney } from "../tools/shared/compact.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { HUBSPOT_FAKE_HEALTH_PROPERTY } from "./support/org-fakes/hubspot.ts";
import { type OrgFakes, startOrgFakes } from "./support/org-fakes/index.ts";
import { type SweepOrg, sweepOrgs } from "./support/sweep.ts";
import { threadWorld } from "./support/thread-world.ts";

/** The requester's own zone, unlike either organisation's. */
const requesterZone = "Asia/Tokyo";
const withOwnZone = (o: SweepOrg): SweepOrg => ({
  ...o,
  org: { ...o.org, users: o.org.users.map((u) => (u.id === o.asker ? { ...u, timezone: requesterZone } : u)) },
});
const orgs = [withOwnZone(sweepOrgs[0]!), withOwnZone(sweepOrgs[2]!)];
const dates = ["2026-12-01T09:00:00Z", "2027-03-26T23:30:00Z"];

/** "BrightTech Inc" -> "BrightTech": how a person names the customer in chat. */
const spoken = (o: SweepOrg) => o.profile.customers.declining.name.split(" ")[0]!;
const sentence = (o: SweepOrg) =>
  `log a call with ${spoken(o)}: scheduled training Thursday 2pm, upsold the onboarding package for $2K`;

/** The next Thursday after `now` (in the zone) at 14:00 there, as an instant. */
function nextThursday2pm(now: number, zone: string): number {
  const local = new TZDate(now, zone);
  const ahead = (4 - local.getDay() + 7) % 7 || 7;
  return new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + ahead, 14, 0, zone).getTime();
}

function expectRendersOnBothPlatforms(card: Card): void {
  expect(blockKitViolations(renderCard(card))).toEqual([]);
  expectValidAdaptiveCard(renderAdaptiveCard(card));
}

describe("the offline model reads a call note with its changes", () => {
  for (const o of orgs) {
    it(`finds the customer, the follow-up and the deal on ${o.label}`, () => {
      expect(changeSetCall(sentence(o), ["crm_log_call_changes"])).toEqual({
        tool: "crm_log_call_changes",
        args: {
          customer: spoken(o),
          callNote: "Scheduled training Thursday 2pm, upsold the onboarding package for $2K",
          followUp: { subject: "Training", when: "Thursday 2pm" },
          deal: { name: "Onboarding package", amount: 2000, agreed: true },
        },
      });
    });
  }

  it("leaves a call note without a follow-up or a sale to the plain log-a-call write", () => {
    expect(changeSetCall("log a call with BrightTech: walked through setup", ["crm_log_call_changes"])).toBeUndefined();
  });

  it("keeps a proposal that was not agreed out of the won stage", () => {
    const call = changeSetCall("log a call with Orca: proposed the premium plan for €12,000", ["crm_log_call_changes"]);
    expect(call?.args.deal).toEqual({ name: "Premium plan", amount: 12000, agreed: false });
  });
});

for (const o of orgs) {
  describe(`one change set for one sentence on ${o.label}`, () => {
    for (const at of dates) {
      it(`shows every write on one card and writes each once when approved twice (${at})`, async () => {
        const now = Date.parse(at);
        const world = await threadWorld(o, now);
        try {
          const customer = (await world.ports.crm.findCustomers(o.profile.customers.declining.name))[0]!;
          const asker = o.org.users.find((u) => u.id === o.asker)!;
          const dealsBefore = world.ports.org.crm.deals.length;
          const cards = await world.say(sentence(o));
          const card = cards.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID));
          expect(card, cards.map(cardToText).join("\n")).toBeDefined();
          expect(cards.filter((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID))).toHaveLength(1);
          const text = cardToText(card!);
          const due = nextThursday2pm(now, requesterZone);
          const dueWords = new Intl.DateTimeFormat("en-GB", {
            timeZone: requesterZone,
            weekday: "short",
            day: "numeric",
            month: "short",
          }).format(due);
          expect(text).toContain(`${customer.name} (company ${customer.id})`);
          expect(text).toContain("Scheduled training Thursday 2pm, upsold the onboarding package for $2K");
          expect(text).toContain(`Author: ${asker.name}`);
          // Every stored argument is shown in the card's own lines, none left as a raw extra.
          expect(text).not.toMatch(/^(followUp|deal|onBehalfOf)\./m);
          expect(text).toContain(`Training, ${dueWords} at 14:00 (${requesterZone}; ${new Date(due).toISOString()})`);
          expect(text).toContain(
            `${customer.name} - Onboarding package, ${formatMoney(2000, customer.currency)} (${customer.currency}), stage Closed Won`,
          );
          expectRendersOnBothPlatforms(card!);
          // Nothing is written before a person approves.
          expect(world.ports.crmTasks).toHaveLength(0);

          const id = cardButtons(card!).find((b) => b.actionId === APPROVE_ACTION_ID)!.value!;
          const [first, second] = await Promise.all([
            world.app.approvals.decide(id, { platform: "console", id: o.asker }, "approve"),
            world.app.approvals.decide(id, { platform: "console", id: o.asker }, "approve"),
          ]);
          const decided = [first, second].find((r) => r.kind === "decided");
          expect([first.kind, second.kind].sort()).toEqual(["already_decided", "decided"]);
          const approval = await world.app.approvals.get(id);
          expect(approval?.outcome?.ok, approval?.outcome?.summary).toBe(true);
          expect(approval?.outcome?.steps?.map((s) => s.status)).toEqual(["done", "done", "done"]);
          if (decided?.kind === "decided") expectRendersOnBothPlatforms(decided.card);

          const detail = await world.ports.crm.getCustomer(customer.id);
          const calls = detail.activities.filter((a) => a.summary.startsWith("Scheduled training"));
          expect(calls.map((a) => [a.type, a.author])).toEqual([["call", asker.name]]);
          expect(world.ports.crmTasks.map((t) => [t.subject, Date.parse(t.dueAt), t.owner?.name])).toEqual([
            ["Training", due, asker.name],
          ]);
          const deals = world.ports.org.crm.deals.slice(dealsBefore);
          expect(deals.map((d) => [d.name, d.amount, d.currency, d.stage, d.company.id])).toEqual([
            [`${customer.name} - Onboarding package`, 2000, customer.currency, "Closed Won", customer.id],
          ]);
        } finally {
          await world.close();
        }
      });
    }

    it("reports a refused deal in the thread and retries only it when the requester replies retry <id>", async () => {
      const world = await threadWorld(o, Date.parse(dates[0]!));
      try {
        const createDeal = world.ports.crm.createDeal.bind(world.ports.crm);
        let refuse = true;
        world.ports.crm.createDeal = async (input, options) => {
          if (refuse) throw new DaybookError("upstream_error", "HTTP 502", { userMessage: "the CRM did not answer" });
          return createDeal(input, options);
        };
        const dealsBefore = world.ports.org.crm.deals.length;
        const cards = await world.say(sentence(o));
        const card = cards.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID))!;
        const id = cardButtons(card).find((b) => b.actionId === APPROVE_ACTION_ID)!.value!;
        await world.say(`approve ${id}`);
        // The result card the approvals service posts in the thread (here: the console's output).
        const failed = await world.app.approvals.get(id);
        expect(failed?.outcome?.steps?.map((st) => st.status)).toEqual(["done", "done", "failed"]);
        const result: Card | undefined = failed ? resultCard(failed) : undefined;
        expect(cardButtons(result!).map((b) => b.actionId)).toEqual([RETRY_STEPS_ACTION_ID]);
        expect(cardToText(result!)).toMatch(/Step 3 \(new deal .*\): FAILED: the CRM did not answer/);
        expect(cardToText(result!)).toContain(`retry ${id}`);
        expectRendersOnBothPlatforms(result!);
        refuse = false;
        const retried = await world.say(`retry ${id}`);
        const text = retried.map(cardToText).join("\n");
        expect(text).toMatch(/Step 3 \(new deal .*\): done: created deal/);
        expect(retried.flatMap(cardButtons)).toEqual([]);
        expect(world.ports.org.crm.deals.length - dealsBefore).toBe(1);
        expect(world.ports.crmTasks).toHaveLength(1);
        const customer = (await world.ports.crm.findCustomers(o.profile.customers.declining.name))[0]!;
        const detail = await world.ports.crm.getCustomer(customer.id);
        expect(detail.activities.filter((a) => a.summary.startsWith("Scheduled training"))).toHaveLength(1);
        // Nothing is left to retry.
        expect((await world.say(`retry ${id}`)).map(cardToText).join("\n")).toContain("Nothing to retry");
      } finally {
        await world.close();
      }
    });

    it("asks which customer when none has the name, and requests nothing", async () => {
      const world = await threadWorld(o, Date.parse(dates[0]!));
      try {
        const cards = await world.say(
          "log a call with Nonexistent Widgets: scheduled training Thursday 2pm, upsold the onboarding package for $2K",
        );
        expect(cards.some((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID))).toBe(false);
        expect(cards.map(cardToText).join("\n")).toContain('I could not find a customer called "Nonexistent Widgets"');
      } finally {
        await world.close();
      }
    });
  });
}

for (const o of orgs) {
  describe(`the change set through the HubSpot connector on ${o.label}`, () => {
    const at = "2026-12-01T09:00:00Z";
    const clock = fixedClock(at);
    const generated = generateDemoOrg({ now: Date.parse(at), profile: o.profile });
    let fakes: OrgFakes;
    beforeAll(async () => {
      fakes = await startOrgFakes(generated, clock);
    });
    afterAll(async () => {
      await fakes.close();
    });
    const thread: ThreadRef = { platform: "console", workspace: "local", channel: "day", thread: "t1" };

    function approvalsOver(crm: CrmPort) {
      const action = crmChangeSetAction(crm, { clock, labels: new EntityLabels(), timeZone: o.org.timezone });
      const posted: Card[] = [];
      const approvals = new Approvals({
        store: new MemoryStore({ clock }),
        actions: [action],
        policies: o.org.approvals,
        principals: createPrincipalResolver(o.org),
        clock,
        logger: silentLogger,
        post: async (_t, card) => {
          posted.push(card);
        },
      });
      return { action, approvals, posted };
    }

    async function request(crm: CrmPort) {
      const world = approvalsOver(crm);
      const principal = createPrincipalResolver(o.org).resolve({ platform: "console", id: o.asker });
      const prepared = await world.action.prepare!({
        ...changeSetCall(sentence(o), ["crm_log_call_changes"])!.args,
        onBehalfOf: { name: principal.name, crmOwnerId: principal.crmOwnerId, timeZone: principal.timeZone },
      } as never);
      if (!prepared.ok) throw new Error(prepared.reply);
      const approval = await world.approvals.requestApproval(
        { tool: "crm_log_call_changes", args: prepared.args, requester: principal, thread },
        async (card) => {
          world.posted.push(card);
          return { thread, messageId: "card" };
        },
      );
      return { ...world, id: approval.id, principal };
    }

    const creates = (type: string) =>
      fakes.hubspot.requests
        .filter((r) => r.method === "POST" && r.path === `/crm/v3/objects/${type}`)
        .map((r) => JSON.parse(r.body) as { properties: Record<string, string>; associations: unknown[] });

    it("writes the call as the requester, the task, the deal in the sales pipeline's won stage and the health score, each once", async () => {
      const w = await request(fakes.ports.crm);
      const card = cardToText(w.posted[0]!);
      expect(card).toMatch(new RegExp(`${HUBSPOT_FAKE_HEALTH_PROPERTY} = \\d+/100`));
      await Promise.all([
        w.approvals.decide(w.id, { platform: "console", id: o.asker }, "approve"),
        w.approvals.decide(w.id, { platform: "console", id: o.asker }, "approve"),
      ]);
      const approval = await w.approvals.get(w.id);
      expect(approval?.outcome?.steps?.map((s) => s.status)).toEqual(["done", "done", "done", "done"]);
      const [call] = creates("calls");
      expect(creates("calls")).toHaveLength(1);
      expect(call?.properties.hubspot_owner_id).toBe(w.principal.crmOwnerId);
      expect(call?.properties.hs_call_body).toContain(`Logged by daybook for ${w.principal.name}`);
      const tasks = creates("tasks");
      expect(tasks).toHaveLength(1);
      expect(tasks[0]?.properties.hs_timestamp).toBe(
        new Date(nextThursday2pm(Date.parse(at), requesterZone)).toISOString(),
      );
      const deals = creates("deals");
      expect(deals).toHaveLength(1);
      expect(deals[0]?.properties).toMatchObject({ amount: "2000", pipeline: "default", dealstage: "1180006" });
      const patches = fakes.hubspot.requests.filter(
        (r) => r.method === "PATCH" && r.path.startsWith("/crm/v3/objects/companies/"),
      );
      expect(patches).toHaveLength(1);
      expect(JSON.parse(patches[0]!.body).properties[HUBSPOT_FAKE_HEALTH_PROPERTY]).toMatch(/^\d+$/);
    });

    it("reports a refused deal step by step and retries only that step", async () => {
      let refuse = true;
      const flaky: CrmPort = {
        ...fakes.ports.crm,
        createDeal: async (input, options) => {
          if (refuse) throw new DaybookError("upstream_error", "HTTP 502", { userMessage: "HubSpot did not answer" });
          return fakes.ports.crm.createDeal(input, options);
        },
      };
      const before = { calls: creates("calls").length, tasks: creates("tasks").length, deals: creates("deals").length };
      const w = await request(flaky);
      await w.approvals.decide(w.id, { platform: "console", id: o.asker }, "approve");
      const failed = await w.approvals.get(w.id);
      expect(failed?.outcome?.steps?.map((s) => s.status)).toEqual(["done", "done", "failed", "done"]);
      const result = w.posted.at(-1)!;
      expect(cardToText(result)).toMatch(/Step 3 \(new deal .*\): FAILED: HubSpot did not answer/);
      expect(cardButtons(result).map((b) => b.actionId)).toEqual([RETRY_STEPS_ACTION_ID]);
      expectRendersOnBothPlatforms(result);
      refuse = false;
      const retried = await w.approvals.retryFailedSteps(w.id, { platform: "console", id: o.asker });
      expect(retried.kind).toBe("decided");
      expect((await w.approvals.get(w.id))?.outcome?.ok).toBe(true);
      expect(creates("calls").length - before.calls).toBe(1);
      expect(creates("tasks").length - before.tasks).toBe(1);
      expect(creates("deals").length - before.deals).toBe(1);
    });
  });
}
