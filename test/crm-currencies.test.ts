/**
 * A CRM whose records are in more than one currency (a multi-currency HubSpot portal): the
 * second organisation keeps its books and most deals in euros, but the second account
 * executive sells in US dollars and one customer pays in Swiss francs. Every amount is stated in
 * its own currency, and no total adds one currency to another: the digests, the CRM tools and
 * the offline agent's wording give one figure per currency, through the demo ports and through
 * the real HubSpot connector (which reads deal_currency_code) alike.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReply } from "../chains/agent/render/index.ts";
import { createDigests } from "../chains/digests/registry.ts";
import { cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { Deal } from "../src/core/domain/crm.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createHubSpotPort } from "../tools/crm/hubspot.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type DemoOrg, generateDemoOrg } from "../tools/demo/generate.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { type OrgFakes, startOrgFakes } from "./support/org-fakes/index.ts";

const at = "2026-11-26T09:00:00Z";
const clock = fixedClock(at);

/** The second organisation with the second AE's deals in dollars and one customer in francs. */
function mixedOrg(): DemoOrg {
  const org = generateDemoOrg({ now: clock.now(), profile: secondOrgProfile });
  for (const d of org.crm.deals) if (d.ownerId === secondOrgProfile.second.ownerId) d.currency = "USD";
  const zephyr = org.crm.customers.find((c) => c.name === secondOrgProfile.customers.failedPayment.name);
  if (zephyr) zephyr.currency = "CHF";
  return org;
}

const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
const eur = (n: number) => `€${Math.round(n).toLocaleString("en-US")}`;
const isOpen = (d: Deal) => !/^closed/i.test(d.stage);
const sum = (deals: Deal[], f: (d: Deal) => number) => deals.reduce((s, d) => s + f(d), 0);

let org: DemoOrg;
let fakes: OrgFakes;
let through: Record<"demo ports" | "HubSpot connector", Ports>;

beforeAll(async () => {
  org = mixedOrg();
  fakes = await startOrgFakes(org, clock);
  through = { "demo ports": createDemoPorts({ clock, org }), "HubSpot connector": fakes.ports };
});
afterAll(async () => {
  await fakes?.close();
});

describe.each(["demo ports", "HubSpot connector"] as const)("a CRM in euros and dollars, through the %s", (via) => {
  const open = () => org.crm.deals.filter(isOpen);
  const inCurrency = (currency: string) => open().filter((d) => d.currency === currency);

  it("states the team's weighted pipeline once per currency, never as one sum", async () => {
    const digests = createDigests({ ports: through[via], clock, timeZone: "Europe/Berlin", store: new MemoryStore() });
    const text = cardToText(await digests.sales.run());
    const weighted = (c: string) => sum(inCurrency(c), (d) => d.amount * d.probability);
    expect(weighted("USD")).toBeGreaterThan(0);
    expect(text).toContain(`${eur(weighted("EUR"))} and ${usd(weighted("USD"))} weighted pipeline`);
  });

  it("prices each deal in the digest in its own currency", async () => {
    const digests = createDigests({ ports: through[via], clock, timeZone: "Europe/Berlin", store: new MemoryStore() });
    const own = cardToText(await digests.sales.run({ ownerId: secondOrgProfile.second.ownerId }));
    expect(own).toMatch(/\$[\d,]+ weighted pipeline/);
    expect(own).toMatch(/\$[\d,]+ × \d+% = \$[\d,]+/);
    expect(own).not.toContain("€");
  });

  it("keeps won deals in two currencies apart in the weekly summary", async () => {
    const digests = createDigests({ ports: through[via], clock, timeZone: "Europe/Berlin", store: new MemoryStore() });
    const weekly = cardToText(await digests.weekly.run({ preview: true }));
    // This week: the lead's annual plan (€96,000) and the second AE's expansion ($42,500).
    expect(weekly).toContain("2 deals won (€96,000 and $42,500)");
    expect(weekly).toContain("won, $42,500");
  });

  it("gives the model the pipeline per currency, with each deal's currency", async () => {
    const catalog = createToolCatalog(through[via], { clock, timeZone: "Europe/Berlin", warmLabels: false });
    const tool = catalog.read.find((r) => r.tool.name === "crm_deals_by_priority")!.tool;
    const result = JSON.parse((await tool.invoke({ limit: 25 })) as string);
    expect(result.pipeline).toBeUndefined();
    expect(result.pipelineByCurrency).toEqual([
      {
        currency: "EUR",
        deals: inCurrency("EUR").length,
        pipeline: sum(inCurrency("EUR"), (d) => d.amount),
        weightedPipeline: expect.closeTo(
          sum(inCurrency("EUR"), (d) => d.amount * d.probability),
          2,
        ),
      },
      {
        currency: "USD",
        deals: inCurrency("USD").length,
        pipeline: sum(inCurrency("USD"), (d) => d.amount),
        weightedPipeline: expect.closeTo(
          sum(inCurrency("USD"), (d) => d.amount * d.probability),
          2,
        ),
      },
    ]);
    for (const row of result.deals) {
      const deal = org.crm.deals.find((d) => d.id === row.id);
      expect(row.currency, row.name).toBe(deal?.currency);
    }
    const reply = renderReply(tool.name, tool.description, "", result, { now: clock.now() }).text;
    expect(reply).toContain(
      `Pipeline: ${eur(sum(inCurrency("EUR"), (d) => d.amount))} (${eur(sum(inCurrency("EUR"), (d) => d.amount * d.probability))} weighted) over ${inCurrency("EUR").length} deals; ${usd(sum(inCurrency("USD"), (d) => d.amount))}`,
    );
  });

  it("states won totals per currency when the last seven days' deals mix them", async () => {
    const catalog = createToolCatalog(through[via], { clock, timeZone: "Europe/Berlin", warmLabels: false });
    const tool = catalog.read.find((r) => r.tool.name === "crm_closed_deals")!.tool;
    const result = JSON.parse((await tool.invoke({ outcome: "won" })) as string);
    expect(result.currency).toBeUndefined();
    // The second AE's expansion ($42,500) and pilot ($18,000), the lead's annual plan (€96,000).
    expect(result.won).toEqual({
      deals: 3,
      byCurrency: [
        { currency: "USD", amount: 60_500 },
        { currency: "EUR", amount: 96_000 },
      ],
    });
    expect(result.lost).toEqual({ deals: 1, amount: 150_000, currency: "EUR" });
  });
});

describe("customer ARR in more than one currency", () => {
  it("is stated per currency in the churn digest over a CRM that keeps a currency per customer", async () => {
    const digests = createDigests({ ports: through["demo ports"], clock, store: new MemoryStore() });
    const churn = cardToText(await digests.churn.run());
    // Intl writes a code-only currency with a no-break space: "CHF\u00a08,000".
    expect(churn).toContain("2 high-risk customers (€12,000 and CHF\u00a08,000 ARR)");
    expect(churn).toContain("score 55, CHF\u00a08,000 ARR");
  });

  it("is read from HubSpot in the portal's configured currency, since a company's ARR property has none", async () => {
    const digests = createDigests({ ports: through["HubSpot connector"], clock, store: new MemoryStore() });
    const churn = cardToText(await digests.churn.run());
    expect(churn).toContain("2 high-risk customers (€20,000 ARR)");
    expect(churn).toContain("score 55, €8,000 ARR");
  });
});

describe("the HubSpot portal currency setting", () => {
  const port = (currency: string) =>
    createHubSpotPort({ accessToken: "pat", currency }, { store: new MemoryStore(), clock, logger: silentLogger });

  it("refuses at start-up a currency that is not an ISO 4217 code, naming it", () => {
    expect(() => port("EURO")).toThrow(
      expect.objectContaining({ code: "config_invalid", message: expect.stringContaining('"EURO"') }),
    );
    expect(() => port("XQZ")).toThrow(expect.objectContaining({ code: "config_invalid" }));
  });

  it("takes a known code in any case", () => {
    expect(() => port("eur")).not.toThrow();
  });
});
