/**
 * One organisation as the eval talks to it: the demo ports over a generated organisation at a
 * pinned date, the offline agent, the real approvals over a memory store, and the Bot with
 * thread memory, composed the way the console composes them (src/compose/app.ts). Writes to
 * the ports are counted, so a write turn can check that nothing ran before an approval.
 */
import { createAgentAnswerer } from "../../chains/agent/agent.ts";
import { loadKnownEntities } from "../../chains/agent/entities.ts";
import { createChatModel, type ModelSettings } from "../../chains/agent/model-factory.ts";
import { chartMaker } from "../../chains/charts/charts.ts";
import { Approvals } from "../../src/approvals/approvals.ts";
import { Bot } from "../../src/bot/bot.ts";
import { createPrincipalResolver } from "../../src/bot/principals.ts";
import { Reminders } from "../../src/bot/reminders.ts";
import { ThreadHistory } from "../../src/bot/thread-history.ts";
import { demoOrg } from "../../src/config/demo-org.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { OrgConfig } from "../../src/config/org.ts";
import type { ApprovalRequest, ApprovalService } from "../../src/core/approval.ts";
import { type Card, cardToText } from "../../src/core/card.ts";
import type { Responder } from "../../src/core/chat.ts";
import { fixedClock } from "../../src/core/clock.ts";
import { FileShelf } from "../../src/core/files.ts";
import { silentLogger } from "../../src/core/logger.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import { MemoryStore } from "../../src/store/memory-store.ts";
import { createToolCatalog } from "../../tools/catalog.ts";
import { createDemoPorts, type DemoPorts } from "../../tools/demo/demo-ports.ts";
import { type DemoOrg, generateDemoOrg } from "../../tools/demo/generate.ts";
import { secondOrgProfile } from "../fixtures/second-org/profile.ts";

export type OrgName = "demo" | "second";

export interface World {
  org: OrgName;
  at: string;
  data: DemoOrg;
  ports: DemoPorts;
  config: OrgConfig;
  /** Approval requests the agent made, in order. */
  requested: ApprovalRequest[];
  /** Port writes that ran (must stay 0: nobody approves during the eval). */
  executed: string[];
  /** Asks `text` as `userId` in `thread`; the reply's text and the cards posted during the turn. */
  say(userId: string, thread: string, text: string): Promise<{ text: string; posted: Card[] }>;
}

function orgConfig(org: OrgName): OrgConfig {
  return org === "demo" ? demoOrg : loadConfig({ DAYBOOK_CONFIG: "test/fixtures/second-org/org.yaml" }).org;
}

/** Counts every write method of the ports instead of letting it run unnoticed. */
function countWrites(ports: DemoPorts, executed: string[]): void {
  const wrap = <T extends object>(port: T, names: (keyof T & string)[]) => {
    for (const name of names) {
      const original = port[name] as unknown as (...args: unknown[]) => Promise<unknown>;
      (port as Record<string, unknown>)[name] = async (...args: unknown[]) => {
        executed.push(name);
        return original.apply(port, args);
      };
    }
  };
  wrap(ports.jira, ["createIssue", "addComment"]);
  wrap(ports.crm, ["logActivity", "updateDealStage"]);
  wrap(ports.accounting, ["approveInvoice", "rejectInvoice"]);
}

/** `model`: settings for another model than the offline one (the token budget test points ChatOpenAI at a local server). */
export async function createWorld(org: OrgName, at: string, options: { model?: ModelSettings } = {}): Promise<World> {
  const clock = fixedClock(at);
  const config = orgConfig(org);
  const data = generateDemoOrg({ now: clock.now(), ...(org === "second" ? { profile: secondOrgProfile } : {}) });
  const ports = createDemoPorts({ clock, org: data });
  const executed: string[] = [];
  countWrites(ports, executed);
  // Exports leave their CSV on a shelf, as in the app (src/compose/files.ts).
  const files = new FileShelf(new MemoryStore({ clock }));
  const catalog = createToolCatalog(ports, {
    clock,
    timeZone: config.timezone,
    warmLabels: false,
    files,
    charts: chartMaker({ ports, clock, timeZone: config.timezone }),
    ...(config.sales ? { sales: config.sales } : {}),
  });
  const principals = createPrincipalResolver(config);
  const store = new MemoryStore({ clock });
  let posted: Card[] = [];
  const thread = (id: string): ThreadRef => ({ platform: "console", workspace: "eval", channel: "eval", thread: id });
  const responderFor = (t: ThreadRef): Responder => ({
    async reply(card) {
      posted.push(card);
      return { thread: t, messageId: `m${posted.length}` };
    },
  });
  const real = new Approvals({
    store,
    actions: catalog.actions,
    policies: config.approvals,
    principals,
    clock,
    logger: silentLogger,
  });
  const requested: ApprovalRequest[] = [];
  const approvals: ApprovalService = {
    requestApproval: (request, post) => {
      requested.push(request);
      return real.requestApproval(request, post);
    },
    decide: (...args) => real.decide(...args),
    get: (id) => real.get(id),
  };
  const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports), ...options.model });
  const answerer = createAgentAnswerer({
    model,
    modelLabel: label,
    catalog,
    approvals,
    logger: silentLogger,
    clock,
    timezone: config.timezone,
    files,
  });
  const bot = new Bot({
    reminders: new Reminders({
      store,
      clock,
      logger: silentLogger,
      timeZoneOf: (p) => config.users.find((u) => u.id === p.id)?.timezone ?? config.timezone,
    }),
    answerer,
    history: new ThreadHistory(store),
    principals,
    logger: silentLogger,
    clock,
    approvals,
  });
  return {
    org,
    at,
    data,
    ports,
    config,
    requested,
    executed,
    async say(userId, threadId, text) {
      posted = [];
      const t = thread(threadId);
      await bot.handle(
        { thread: t, user: { platform: "console", id: userId }, text, receivedAt: clock.now() },
        responderFor(t),
      );
      const cards = posted;
      const last = cards.at(-1);
      return { text: last ? cardToText(last) : "", posted: cards.slice(0, -1) };
    },
  };
}
