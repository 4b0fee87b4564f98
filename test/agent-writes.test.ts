/**
 * Write requests through the offline model (issue 13, item 4): the summary is what to do, the
 * assignee, priority and due date go to their own arguments, and a logged call is credited to
 * the person who asked, not to the bot. People are named from each organisation's own data.
 */
import { describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { Approvals } from "../src/approvals/approvals.ts";
import { Bot } from "../src/bot/bot.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import type { Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type DemoOrg, generateDemoOrg, scenario } from "../tools/demo/generate.ts";
import { Conversation, demoNow, demoPrincipals, testThread } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";

const clock = fixedClock(demoNow);

const orgs: [string, () => DemoOrg][] = [
  ["the demo", () => generateDemoOrg({ now: Date.parse(demoNow) })],
  ["the second organisation", () => generateDemoOrg({ now: Date.parse(demoNow), profile: secondOrgProfile })],
];

/** A Jira assignee of the organisation whose first name no other assignee shares. */
function assigneeOf(org: DemoOrg): string {
  const names = [...new Set(org.jira.issues.map((i) => i.assignee).filter((a): a is string => Boolean(a)))];
  const first = (n: string) => n.split(/\s+/)[0];
  const unique = names.find((n) => names.filter((m) => first(m) === first(n)).length === 1);
  if (!unique) throw new Error("no assignee with a unique first name");
  return unique;
}

async function requesting(org: DemoOrg) {
  const ports = createDemoPorts({ clock, org });
  const catalog = createToolCatalog(ports, { clock });
  const requested: { tool: string; args: Record<string, unknown> }[] = [];
  const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
  const answerer = createAgentAnswerer({
    model,
    modelLabel: label,
    catalog,
    approvals: {
      async requestApproval(request) {
        requested.push({ tool: request.tool, args: request.args });
        return { id: `apr${requested.length}` } as Awaited<ReturnType<Approvals["requestApproval"]>>;
      },
    },
    logger: silentLogger,
    clock,
  });
  return { answerer, requested };
}

for (const [name, make] of orgs) {
  describe(`write requests on ${name}`, () => {
    const org = make();

    it("puts 'assign it to <person>' in the assignee, not in the ticket's summary", async () => {
      const person = assigneeOf(org);
      const first = person.split(/\s+/)[0] as string;
      const { answerer, requested } = await requesting(org);

      await new Conversation(answerer, "alex").ask(`create a ticket to rotate AWS creds and assign it to ${first}`);

      expect(requested).toEqual([
        { tool: "jira_create_issue", args: { summary: "rotate AWS creds", type: "Task", assignee: person } },
      ]);
    });

    it("reads 'assign it to me' as the requester, and keeps it out of the summary", async () => {
      const { answerer, requested } = await requesting(org);

      await new Conversation(answerer, "alex").ask("create a ticket: flaky test in checkout, assign it to me");

      expect(requested[0]?.args).toMatchObject({
        summary: "flaky test in checkout",
        assignee: demoPrincipals.resolve({ platform: "console", id: "alex" }).name,
      });
    });

    it("reads priority and due date into their own arguments", async () => {
      const person = assigneeOf(org);
      const { answerer, requested } = await requesting(org);

      await new Conversation(answerer, "alex").ask(
        `create a ticket to renew the TLS certificate for ${person}, high priority, due 2026-11-27`,
      );

      expect(requested[0]?.args).toEqual({
        summary: "renew the TLS certificate",
        type: "Task",
        assignee: person,
        priority: "High",
        dueDate: "2026-11-27",
      });
    });

    it("asks to log a call on behalf of the requester, whatever the model put there", async () => {
      const customer = org.crm.customers.find((c) => c.id === scenario.customers.brightTech);
      const { answerer, requested } = await requesting(org);

      await new Conversation(answerer, "alex").ask(`log a call on ${customer?.name}: discussed onboarding`);

      expect(requested[0]?.tool).toBe("crm_log_activity");
      expect(requested[0]?.args.onBehalfOf).toEqual({
        name: demoPrincipals.resolve({ platform: "console", id: "alex" }).name,
        crmOwnerId: "owner-alex",
        // The requester's zone, for writes that name a time ("Thursday 2pm").
        timeZone: demoPrincipals.resolve({ platform: "console", id: "alex" }).timeZone,
      });
    });
  });
}

describe("a call logged after approval", () => {
  it("is credited to the person who asked, not to daybook", async () => {
    const ports = createDemoPorts({ clock });
    const catalog = createToolCatalog(ports, { clock });
    const store = new MemoryStore({ clock });
    const posted: Card[] = [];
    const responder: Responder = {
      async reply(card) {
        posted.push(card);
        return { thread: testThread, messageId: `m${posted.length}` };
      },
    };
    const approvals = new Approvals({
      store,
      actions: catalog.actions,
      policies: demoOrg.approvals,
      principals: demoPrincipals,
      clock,
      logger: silentLogger,
      post: async (_thread, card) => responder.reply(card),
    });
    const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
    const answerer = createAgentAnswerer({ model, modelLabel: label, catalog, approvals, logger: silentLogger, clock });
    const bot = new Bot({
      answerer,
      history: new ThreadHistory(store),
      principals: demoPrincipals,
      logger: silentLogger,
      approvals,
      clock,
    });
    const say = async (text: string) => {
      const before = posted.length;
      await bot.handle(
        { thread: testThread, user: { platform: "console", id: "alex" }, text, receivedAt: clock.now() },
        responder,
      );
      return posted.slice(before);
    };
    const customerId = scenario.customers.brightTech;
    const customer = await ports.crm.getCustomer(customerId);
    const requester = demoPrincipals.resolve({ platform: "console", id: "alex" }).name;

    const requested = await say(`log a call on ${customer.name}: discussed onboarding`);
    const card = requested.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID)) as Card;
    const approvalId = cardButtons(card).find((b) => b.actionId === APPROVE_ACTION_ID)?.value as string;
    expect(cardToText(card)).toContain(requester);
    await say(`approve ${approvalId}`);

    const logged = (await ports.crm.getCustomer(customerId)).activities.filter(
      (a) => a.summary === "discussed onboarding",
    );
    expect(logged.map((a) => a.author)).toEqual([requester]);
  });
});
