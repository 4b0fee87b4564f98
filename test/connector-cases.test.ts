/**
 * What a second company's real data exposed (issue 17), each case played on the second
 * organisation through the real Xero connector over the org fakes and through the demo ports
 * over the same books, by the close tool and the close digest:
 * - a bill whose purchase order was raised the month before is matched to it, not reported
 *   "without PO" (the connector looks the PO up by number; Xero's DateFrom/DateTo filter the
 *   PO's own date);
 * - two partial bills against one purchase order, whose Xero Reference holds only the PO
 *   number, are two invoices, not duplicates;
 * - an invoice numbered like an issue key ("KR-2231") is read as an invoice, shown and
 *   approved as one; a number in the Jira project's own format is asked about.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { createDigests } from "../chains/digests/registry.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { loadConfig } from "../src/config/load.ts";
import type { ApprovalRequest } from "../src/core/approval.ts";
import { cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { Invoice, PurchaseOrder } from "../src/core/domain/accounting.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type DemoOrg, generateDemoOrg } from "../tools/demo/generate.ts";
import { askAs } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { HUBSPOT_FAKE_TOKEN, renewalStageIdOf, stageIdOf } from "./support/org-fakes/hubspot.ts";
import { type OrgFakes, startOrgFakes } from "./support/org-fakes/index.ts";

const at = "2026-11-23T09:00:00Z";
const clock = fixedClock(at);
const timeZone = secondOrgProfile.timeZone;

/** The second organisation's books with the cases added: an October PO billed in November, a PO billed in two halves, a PO that does not exist. */
function withCases(org: DemoOrg): DemoOrg {
  const { month, previousMonth } = org.accounting;
  const [, consulting, hosting] = secondOrgProfile.vendors as [
    (typeof secondOrgProfile.vendors)[number],
    (typeof secondOrgProfile.vendors)[number],
    (typeof secondOrgProfile.vendors)[number],
  ];
  const po = (number: string, vendor: typeof consulting, date: string, total: number): PurchaseOrder => ({
    id: `po-case-${number}`,
    number,
    contact: { id: vendor.id, name: vendor.name },
    date,
    total,
    status: "AUTHORISED",
  });
  const bill = (number: string, vendor: typeof consulting, date: string, total: number, poNumber: string): Invoice => ({
    id: `inv-${number}`,
    number,
    type: "ACCPAY",
    contact: { id: vendor.id, name: vendor.name },
    date,
    dueDate: `${month}-28`,
    total,
    currency: secondOrgProfile.currency,
    status: "AUTHORISED",
    purchaseOrderNumber: poNumber,
    lines: [{ description: "case", account: vendor.account, amount: total }],
  });
  org.accounting.purchaseOrders.push(
    po("PO-0340", consulting, `${previousMonth}-20`, 6_400),
    po("PO-0339", hosting, `${month}-02`, 4_000),
  );
  org.accounting.invoices.push(
    bill("RB-2026-118", consulting, `${month}-10`, 6_400, "PO-0340"),
    bill("HZ-7001", hosting, `${month}-05`, 2_000, "PO-0339"),
    bill("HZ-7002", hosting, `${month}-09`, 2_000, "PO-0339"),
    bill("RB-2026-119", consulting, `${month}-12`, 910, "PO-0999"),
    // Numbered like issue keys: one in a format Jira does not use, one in the Jira project's.
    { ...bill("KR-2231", consulting, `${month}-14`, 1_250, "PO-0340"), status: "SUBMITTED" },
    bill("OPS-7001", hosting, `${month}-15`, 480, "PO-0339"),
  );
  return org;
}

interface Side {
  name: string;
  ports: Ports;
}

let fakes: OrgFakes;
let sides: Side[];
let books: DemoOrg["accounting"]["pnl"];
let sidesOrg: DemoOrg;

beforeAll(async () => {
  const org = withCases(generateDemoOrg({ now: clock.now(), profile: secondOrgProfile }));
  books = org.accounting.pnl;
  sidesOrg = org;
  fakes = await startOrgFakes(org, clock);
  sides = [
    { name: "real Xero connector", ports: fakes.ports },
    { name: "demo ports", ports: createDemoPorts({ clock, org }) },
  ];
});
afterAll(async () => {
  await fakes?.close();
});

async function closeTool(ports: Ports) {
  const catalog = createToolCatalog(ports, { clock, timeZone, warmLabels: false });
  const found = catalog.read.find((t) => t.tool.name === "accounting_close_exceptions")?.tool;
  if (!found) throw new Error("no close tool");
  return JSON.parse(String(await found.invoke({}))) as {
    invoicesWithoutPo: { number: string }[];
    duplicates: { number: string; duplicateOf: string; reason: string }[];
  };
}

async function closeDigest(ports: Ports): Promise<string> {
  const digests = createDigests({ ports, clock, timeZone, store: new MemoryStore() });
  return cardToText(await digests.close.run());
}

describe.each([0, 1])("the close on the second organisation (%#: real connector, demo ports)", (side) => {
  it("matches a bill to its purchase order raised the month before", async () => {
    const { ports } = sides[side]!;
    const report = await closeTool(ports);
    const withoutPo = report.invoicesWithoutPo.map((i) => i.number);
    expect(withoutPo).not.toContain("RB-2026-118");
    expect(withoutPo).toEqual(expect.arrayContaining(["4729", "RB-2026-119"]));
    const digest = await closeDigest(ports);
    expect(digest).not.toContain("PO-0340 not found");
    expect(digest).toContain("PO PO-0999 not found");
  });

  it("does not take two partial bills against one purchase order for duplicates", async () => {
    const { ports } = sides[side]!;
    const report = await closeTool(ports);
    expect(report.duplicates.map((d) => [d.number, d.duplicateOf])).toEqual([["4801", "4756"]]);
    expect(report.duplicates[0]?.reason).toMatch(/^same vendor invoice reference \S+ as 4756/);
    expect(report.duplicates[0]?.reason).not.toMatch(/PO-/);
    const digest = await closeDigest(ports);
    expect(digest).not.toMatch(/HZ-7002|PO-0339/);
  });
});

describe("the Xero connector's purchase-order lookups", () => {
  it("asks Xero for each referenced PO missing from the month by its number, once, with the tenant header", async () => {
    await closeTool(fakes.ports);
    await closeTool(fakes.ports);
    const lookups = fakes.xero.requests.filter((r) => /^\/api\.xro\/2\.0\/PurchaseOrders\/[^?]/.test(r.path));
    const paths = lookups.map((r) => decodeURIComponent(r.path.replace(/^\/api\.xro\/2\.0\/PurchaseOrders\//, "")));
    // PO-0339 is dated in November and came with the month's listing; PO-0999 does not exist (404).
    expect(paths.sort()).toEqual(["PO-0340", "PO-0999"]);
    for (const r of lookups) expect(r.headers["xero-tenant-id"]).toBeDefined();
  });

  it("past 25 missing numbers, lists the year's POs once and asks for the rest by number, at most 25", async () => {
    const before = fakes.xero.requests.length;
    const older = sidesOrg.accounting.purchaseOrders
      .filter((po) => po.date < "2026-10-01" && po.date >= "2025-12-01")
      .slice(0, 20)
      .map((po) => po.number);
    const unknown = Array.from({ length: 30 }, (_, i) => `PO-9${String(i).padStart(3, "0")}`);
    const found = await fakes.ports.accounting.findPurchaseOrders?.([...older, ...unknown]);
    expect(found?.map((p) => p.number).sort()).toEqual([...older].sort());
    const asked = fakes.xero.requests.slice(before).map((r) => new URL(r.path, "http://x"));
    // One listing (in Xero's pages) of the POs dated from a year before today.
    const listings = asked.filter((u) => u.pathname.endsWith("/PurchaseOrders"));
    expect(new Set(listings.map((u) => `${u.searchParams.get("DateFrom")}..${u.searchParams.get("DateTo")}`))).toEqual(
      new Set(["2025-11-01..2026-11-23"]),
    );
    expect(listings.map((u) => Number(u.searchParams.get("page"))).sort((a, b) => a - b)).toEqual(
      listings.map((_, i) => i + 1),
    );
    expect(asked.filter((u) => /\/PurchaseOrders\/./.test(u.pathname))).toHaveLength(25);
  });

  it("states that a referenced PO Xero does not have is missing, and only that one", async () => {
    const found = await fakes.ports.accounting.findPurchaseOrders?.(["PO-0340", "po-0999", "PO-0340"]);
    expect(found?.map((p) => p.number)).toEqual(["PO-0340"]);
  });
});

const principals = createPrincipalResolver(loadConfig({ DAYBOOK_CONFIG: "test/fixtures/second-org/org.yaml" }).org);

async function agentOver(ports: Ports) {
  const requests: ApprovalRequest[] = [];
  const { model, label } = await createChatModel({
    clock,
    entities: await loadKnownEntities(ports, undefined, { now: clock.now() }),
  });
  const answerer = createAgentAnswerer({
    model,
    modelLabel: label,
    catalog: createToolCatalog(ports, { clock, timeZone, warmLabels: false }),
    approvals: {
      requestApproval: async (request) => {
        requests.push(request);
        return Promise.reject(new Error("recorded, not stored"));
      },
    },
    logger: silentLogger,
    clock,
    timezone: timeZone,
  });
  const ask = async (text: string) => {
    const { answer } = await askAs(answerer, principals, "clara", text);
    const data = answer.data as { calls?: { tool: string; args: Record<string, unknown> }[] } | undefined;
    return { calls: data?.calls ?? [], text: cardToText(answer.card) };
  };
  return { ask, requests };
}

describe.each([0, 1])("references on the second organisation (%#: real connectors, demo ports)", (side) => {
  it("reads an invoice number shaped like an issue key as an invoice, asked for by name or bare", async () => {
    const { ask } = await agentOver(sides[side]!.ports);
    for (const question of ["show me invoice KR-2231", "show KR-2231"]) {
      const turn = await ask(question);
      expect({ question, tools: turn.calls.map((c) => c.tool), text: turn.text }).toMatchObject({
        question,
        tools: ["accounting_invoices"],
      });
      expect(turn.text, question).toContain("KR-2231");
      expect(turn.text, question).not.toMatch(/Jira has no such item/);
    }
  });

  it("requests the approval of the invoice, not a Jira comment", async () => {
    const { ask, requests } = await agentOver(sides[side]!.ports);
    await ask("approve invoice KR-2231");
    expect(requests.map((r) => [r.tool, Object.values(r.args)])).toEqual([
      ["accounting_approve_invoice", expect.arrayContaining(["KR-2231"])],
    ]);
  });

  it("asks which one is meant when the number is in the Jira project's format too, and follows the word when given", async () => {
    const { ask } = await agentOver(sides[side]!.ports);
    const bare = await ask("show OPS-7001");
    expect(bare.calls).toEqual([]);
    expect(bare.text).toContain('Is OPS-7001 a Jira issue or an invoice? Say "issue OPS-7001" or "invoice OPS-7001".');
    expect((await ask("show invoice OPS-7001")).calls.map((c) => c.tool)).toEqual(["accounting_invoices"]);
    expect((await ask("show issue OPS-145")).calls.map((c) => c.tool)).toEqual(["jira_get_issue"]);
  });
});

describe.each([0, 1])("a P&L in progress on the second organisation (%#: real connector, demo ports)", (side) => {
  async function pnlTool(args: Record<string, unknown>) {
    const catalog = createToolCatalog(sides[side]!.ports, { clock, timeZone, warmLabels: false });
    const found = catalog.read.find((t) => t.tool.name === "accounting_profit_and_loss")?.tool;
    if (!found) throw new Error("no P&L tool");
    return JSON.parse(String(await found.invoke(args))) as {
      monthToDate?: string;
      comparedTo?: string;
      comparedWith?: string;
      expenses: { account: string; amount: number; previous?: number }[];
    };
  }
  const expense = (month: string, account: string) =>
    books[month]?.expenses.find((e) => e.account === account)?.amount ?? 0;

  it("compares this month so far with last month to the same day", async () => {
    const out = await pnlTool({ month: "2026-11" });
    expect(out).toMatchObject({ monthToDate: "day 23 of 30", comparedWith: "October 2026 pro rata to day 23" });
    for (const line of out.expenses.filter((e) => e.previous !== undefined))
      expect(line.previous, line.account).toBeCloseTo(expense("2026-10", line.account) * (23 / 30), 1);
  });

  it("compares this quarter so far with the quarter before cut to the same point", async () => {
    const out = await pnlTool({ period: "this quarter" });
    expect(out).toMatchObject({
      monthToDate: "November 2026 to day 23 of 30",
      comparedTo: "Q3 2026 to the same point (August 2026 pro rata to day 23)",
    });
    for (const line of out.expenses.filter((e) => e.previous !== undefined)) {
      const before = expense("2026-07", line.account) + expense("2026-08", line.account) * (23 / 30);
      expect(line.previous, line.account).toBeCloseTo(before, 0);
    }
  });
});

describe("a deal stage change on the second organisation", () => {
  const stageAction = (ports: Ports) => {
    const action = createToolCatalog(ports, { clock, timeZone, warmLabels: false }).actions.find(
      (a) => a.name === "crm_update_deal_stage",
    );
    if (!action) throw new Error("no stage action");
    return action;
  };
  const patches = () =>
    fakes.hubspot.requests
      .filter((r) => r.method === "PATCH")
      .map((r) => [r.path.replace(/^\/crm\/v3\/objects\/deals\//, ""), JSON.parse(r.body).properties?.dealstage]);

  it.each([0, 1])("shows the label on the card and moves the deal (%#: real connector, demo ports)", async (side) => {
    const { ports } = sides[side]!;
    const action = stageAction(ports);
    const args = action.schema.parse({ dealId: "1002", stage: "negotiation" }) as Record<string, unknown>;
    expect(action.describe(args)).toContainEqual({ label: "New stage", value: "negotiation" });
    const outcome = await action.execute(args, { idempotencyKey: `stage-${side}` });
    expect(outcome).toMatchObject({ ok: true });
    expect((await ports.crm.getDeal("1002")).stage).toBe("Negotiation");
  });

  it("sends HubSpot the id of the stage in the deal's own pipeline when another pipeline has the same label", async () => {
    const before = patches().length;
    await stageAction(fakes.ports).execute({ dealId: "1002", stage: "Negotiation" }, { idempotencyKey: "s-default" });
    // A deal in the Renewals pipeline, where "Closed Won" has another id.
    await fetch(`${fakes.hubspot.url}/crm/v3/objects/deals/1003`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${HUBSPOT_FAKE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ properties: { pipeline: "renewals", dealstage: renewalStageIdOf("Renewal Due") } }),
    });
    const renewal = await stageAction(fakes.ports).execute(
      { dealId: "1003", stage: "Closed Won" },
      { idempotencyKey: "s-renewal" },
    );
    expect(renewal).toMatchObject({ ok: true });
    expect(patches().slice(before)).toEqual([
      ["1002", stageIdOf("Negotiation")],
      ["1003", renewalStageIdOf("Renewal Due")],
      ["1003", renewalStageIdOf("Closed Won")],
    ]);
  });

  it.each([0, 1])(
    "refuses a stage the pipeline does not have, naming its stages, and changes nothing (%#)",
    async (side) => {
      const { ports } = sides[side]!;
      const before = patches().length;
      const outcome = await stageAction(ports).execute(
        { dealId: "1004", stage: "Closed Wonn" },
        { idempotencyKey: `typo-${side}` },
      );
      expect(outcome).toMatchObject({ ok: false });
      expect((outcome as { summary: string }).summary).toMatch(
        /^The pipeline "Sales Pipeline" has no stage "Closed Wonn"; its stages are Qualification, Discovery, .*Closed Won, Closed Lost\.$/,
      );
      expect(patches().length).toBe(before);
    },
  );
});

describe.each([0, 1])("money on the second organisation (%#: real connectors, demo ports)", (side) => {
  it.each([
    "show the bank transactions this month",
    "bills awaiting approval",
    "show the P&L for last month",
    "show the P&L for this quarter",
    "what's left for the close?",
    "which deals need me today?",
    "which customers might churn?",
    "show invoice 4729",
  ])("states every amount in euros: %s", async (question) => {
    const { ask } = await agentOver(sides[side]!.ports);
    const turn = await ask(question);
    expect(turn.calls.length, turn.text).toBeGreaterThan(0);
    expect(turn.text).toMatch(/€\d/);
    expect(turn.text).not.toMatch(/\$\s?\d|USD/);
  });
});
