/**
 * A real Xero organisation whose books begin in November 2026, through the real connector
 * (xero-node) against the local Xero fake (test/support/org-fakes), which answers every earlier
 * month the way Xero does: a Profit and Loss report with its layout and no account rows. On the
 * 23rd the books start this month; on December 1 they started last month. Either way October has
 * no figures: the close digest and the P&L answers say so in one line, compare with nothing, and
 * nothing fails.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { digestCloseMonth, loadCloseReport } from "../chains/digests/close.ts";
import { createDigests } from "../chains/digests/registry.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { loadConfig } from "../src/config/load.ts";
import { cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { Month } from "../src/core/domain/common.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { accountingReadTools } from "../tools/accounting/tools.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { type DemoOrg, generateDemoOrg } from "../tools/demo/generate.ts";
import { EntityLabels } from "../tools/shared/compact.ts";
import { askAs } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { type OrgFakes, startOrgFakes } from "./support/org-fakes/index.ts";

const orgConfig = loadConfig({ DAYBOOK_CONFIG: "test/fixtures/second-org/org.yaml" }).org;
const timeZone = orgConfig.timezone;
const principals = createPrincipalResolver(orgConfig);
const firstMonth: Month = "2026-11";

/** The generated organisation with nothing dated before `first`: a Xero file opened that month. */
function booksFrom(org: DemoOrg, first: Month): DemoOrg {
  const a = org.accounting;
  const kept = <T>(byMonth: Record<Month, T>) =>
    Object.fromEntries(Object.entries(byMonth).filter(([m]) => m >= first)) as Record<Month, T>;
  return {
    ...org,
    accounting: {
      ...a,
      months: a.months.filter((m) => m >= first),
      invoices: a.invoices.filter((i) => i.date.slice(0, 7) >= first),
      purchaseOrders: a.purchaseOrders.filter((p) => p.date.slice(0, 7) >= first),
      bank: kept(a.bank),
      pnl: kept(a.pnl),
    },
  };
}

// The 23rd: the books started this month, the close is about November (in progress). The 1st:
// they started last month, and the close is about November, now ended.
describe.each(["2026-11-23T09:00:00Z", "2026-12-01T07:00:00Z"])("books that begin in November, on %s", (at) => {
  const clock = fixedClock(at);
  const org = booksFrom(generateDemoOrg({ now: clock.now(), profile: secondOrgProfile }), firstMonth);
  let fakes: OrgFakes;

  beforeAll(async () => {
    fakes = await startOrgFakes(org, clock);
  });
  afterAll(async () => {
    await fakes?.close();
  });

  const profitAndLoss = async (args: Record<string, unknown>) => {
    const tools = accountingReadTools(fakes.ports.accounting, { clock, labels: new EntityLabels(), timeZone });
    const tool = tools.find((t) => t.name === "accounting_profit_and_loss");
    return JSON.parse(String(await tool?.invoke(args))) as Record<string, unknown>;
  };

  it("has Xero answer October with a report that holds no account rows, as a month before the books", async () => {
    await expect(fakes.ports.accounting.getProfitAndLoss("2026-10")).rejects.toMatchObject({
      code: "not_found",
      userMessage: "Xero has no figures for October 2026.",
    });
    await expect(fakes.ports.accounting.getProfitAndLoss(firstMonth)).resolves.toMatchObject({
      netProfit: org.accounting.pnl[firstMonth]?.netProfit,
    });
  });

  it("closes November with no comparison and so no variances", async () => {
    const deps = { ports: fakes.ports, clock, timeZone, store: new MemoryStore() };
    expect(digestCloseMonth(deps)).toBe(firstMonth);

    const report = await loadCloseReport(deps, firstMonth);
    const text = cardToText(await createDigests(deps).close.run());

    expect(report.previousPnl).toBeUndefined();
    expect(report.counts.variances).toBe(0);
    expect(text).toContain("Month-end close: November 2026");
    expect(text).toContain("No figures for October 2026 to compare with.");
    expect(text.match(/No figures for/g)).toHaveLength(1);
    expect(text).not.toMatch(/Spend variance vs|Net profit October|error|not found|Code:/i);
    expect(fakes.xero.refusals).toEqual([]);
  });

  it("answers a P&L for November with the one line instead of a comparison", async () => {
    const result = await profitAndLoss({ month: firstMonth });

    expect(result.comparison).toBe("No figures for October 2026 to compare with.");
    expect(result.comparedTo).toBeUndefined();
    expect(result.netProfit).toBe(org.accounting.pnl[firstMonth]?.netProfit);
  });

  it("answers a P&L for October with Xero's one line, not a failure", async () => {
    expect(await profitAndLoss({ month: "2026-10" })).toEqual({
      error: "Xero has no figures for October 2026.",
      code: "not_found",
    });
  });

  it("sums this quarter over the months Xero has and names the one it has not", async () => {
    const result = await profitAndLoss({ period: "this quarter" });

    expect(result.noFiguresFor).toBe("October 2026");
    expect(result.months).toEqual(org.accounting.months);
  });

  it("has the offline agent answer the close and a P&L question without an error, and October in Xero's line", async () => {
    const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(fakes.ports) });
    const answerer = createAgentAnswerer({
      model,
      modelLabel: label,
      catalog: createToolCatalog(fakes.ports, { clock, timeZone, warmLabels: false }),
      approvals: { requestApproval: async () => Promise.reject(new Error("no writes expected")) },
      logger: silentLogger,
      clock,
      timezone: timeZone,
    });
    const reply = async (question: string) =>
      cardToText((await askAs(answerer, principals, "clara", question)).answer.card);

    const november = await reply("show the P&L for November");
    const october = await reply("show the P&L for October");
    const close = await reply("what's left for the November close?");

    expect(november).toContain("No figures for October 2026 to compare with.");
    for (const text of [november, close]) expect(text).not.toMatch(/Error|Code:|went wrong/);
    // The offline renderer lays a tool's refusal out as fields (chains/agent/render/); what it
    // says is the connector's one line, never its internal message.
    expect(october).toContain("Xero has no figures for October 2026.");
    expect(october).not.toMatch(/account rows|went wrong/);
  });
});
