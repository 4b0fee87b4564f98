/**
 * Connectors page at the vendor's maximum, share one limiter per vendor account, wait out a 429
 * and never cut a listing silently: counted against the scripted org fakes.
 */

import { afterEach, describe, expect, it } from "vitest";
import { renderReply } from "../chains/agent/render/index.ts";
import { loadCloseReport } from "../chains/digests/close.ts";
import { createDigests } from "../chains/digests/registry.ts";
import { cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { BankTransaction } from "../src/core/domain/accounting.ts";
import { partialNote, truncationOf } from "../src/core/domain/common.ts";
import type { DealDetail } from "../src/core/domain/crm.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import { silentLogger } from "../src/core/logger.ts";
import { closeMonth } from "../src/core/period.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { RUNWAY_MONTHS } from "../tools/accounting/finance-tools.ts";
import { accountingReadTools } from "../tools/accounting/tools.ts";
import { createXeroPort, type XeroDeps } from "../tools/accounting/xero.ts";
import { createHubSpotPort } from "../tools/crm/hubspot.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { EntityLabels } from "../tools/shared/compact.ts";
import { createLimiter, xeroLimits } from "../tools/shared/rate-limit.ts";
import type { OrgFake } from "./support/org-fakes/common.ts";
import { HUBSPOT_FAKE_TOKEN, startHubSpotFake } from "./support/org-fakes/hubspot.ts";
import { startXeroFake, XERO_FAKE_TENANT, XERO_FAKE_TOKEN, type XeroFakeOptions } from "./support/org-fakes/xero.ts";

const at = "2026-11-23T09:00:00Z";
const clock = fixedClock(at);
const org = generateDemoOrg({ now: Date.parse(at) });
const month = closeMonth(clock.now(), "UTC");

let closers: OrgFake[] = [];
afterEach(async () => {
  await Promise.all(closers.map((f) => f.close()));
  closers = [];
});

/** Bank lines on top of the organisation's, so the close month has exactly `total`. */
function bankMonthOf(total: number): Record<string, BankTransaction[]> {
  const have = org.accounting.bank[month]?.length ?? 0;
  const extra = Array.from({ length: total - have }, (_, n) => ({
    id: `volume-${n}`,
    date: `${month}-${String(1 + (n % 20)).padStart(2, "0")}`,
    amount: -(100 + (n % 997)),
    kind: "SPEND" as const,
    description: `Card spend ${n}`,
    reconciled: true,
    bankAccount: "Business Checking",
  }));
  return { [month]: extra };
}

async function xeroOn(options: Omit<XeroFakeOptions, "org">, deps: Partial<XeroDeps> = {}) {
  const fake = await startXeroFake({ org, ...options });
  closers.push(fake);
  const sleeps: number[] = [];
  const port = createXeroPort(
    { tenantId: XERO_FAKE_TENANT, baseUrl: `${fake.url}/api.xro/2.0`, accessToken: XERO_FAKE_TOKEN },
    {
      store: new MemoryStore({ clock }),
      clock,
      logger: silentLogger,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...deps,
    },
  );
  const reads = (path: string) => fake.requests.filter((r) => r.path.startsWith(`/api.xro/2.0/${path}`));
  const page = (r: { path: string }) => new URL(r.path, "http://x").searchParams;
  return { fake, port, sleeps, reads, page };
}

describe("the Xero connector's paging and limits", () => {
  it("reads a 5,000-line month in 5 Xero calls at pageSize 1000", async () => {
    const { port, reads, page, fake } = await xeroOn({ extraBank: bankMonthOf(5_000) });

    const lines = await port.listBankTransactions(month);

    expect(lines).toHaveLength(5_000);
    expect(truncationOf(lines)).toBeUndefined();
    const calls = reads("BankTransactions");
    expect(calls.map((r) => page(r).get("page")).sort()).toEqual(["1", "2", "3", "4", "5"]);
    expect(new Set(calls.map((r) => page(r).get("pageSize")))).toEqual(new Set(["1000"]));
    expect(fake.refusals).toEqual([]);
  });

  it("reads a 125,000-line month completely, in 125 calls", async () => {
    const { port, reads } = await xeroOn(
      { extraBank: bankMonthOf(125_000) },
      { limiter: createLimiter({ concurrency: 5 }) },
    );

    const lines = await port.listBankTransactions(month);

    expect(lines).toHaveLength(125_000);
    expect(truncationOf(lines)).toBeUndefined();
    expect(reads("BankTransactions")).toHaveLength(125);
  });

  it("still stops at the first short page when Xero sends no pagination metadata", async () => {
    const { port, reads, page } = await xeroOn({ extraBank: bankMonthOf(2_500), paginationMetadata: false });

    const lines = await port.listBankTransactions(month);

    expect(lines).toHaveLength(2_500);
    expect(reads("BankTransactions").map((r) => page(r).get("page"))).toEqual(["1", "2", "3"]);
  });

  it("answers a close digest in the fewest calls, and a repeat within the cache TTL with zero", async () => {
    const { fake, port } = await xeroOn({ extraBank: bankMonthOf(5_000) });
    const demo = createDemoPorts({ clock });
    const ports: Ports = { ...demo, accounting: port, sources: { ...demo.sources, accounting: "real" } };
    const digests = createDigests({ ports, clock, store: new MemoryStore({ clock }) });

    await digests.close.run();
    const first = fake.requests.length;
    const report = await loadCloseReport({ ports, clock, store: new MemoryStore({ clock }) }, month);
    await digests.close.run();

    expect(fake.requests.length).toBe(first);
    const pages = (n: number) => Math.max(1, Math.ceil(n / 1000));
    // bills + purchase orders + bank lines, one chart of accounts, two P&L reports, one organisation,
    // one budget summary and a bank summary for each month the runway averages.
    const minimum = pages(report.counts.bills) + 1 + pages(5_000) + 1 + 2 + 1 + 1 + RUNWAY_MONTHS;
    expect(report.counts.bankTransactions).toBe(5_000);
    expect(first).toBe(minimum);
    expect(new Set(fake.requests.map((r) => r.path)).size).toBe(first);
  });

  it("never has more than 5 Xero calls at once", async () => {
    const { port, fake, reads } = await xeroOn({ extraBank: bankMonthOf(12_000), delayMs: 40 });

    const [lines] = await Promise.all([port.listBankTransactions(month), port.listInvoices({ month })]);

    expect(lines).toHaveLength(12_000);
    expect(reads("BankTransactions")).toHaveLength(12);
    expect(fake.maxInFlight()).toBe(xeroLimits.concurrency);
  });

  it("keeps to 60 calls in any minute: a sliding window, not fixed ones", async () => {
    expect(xeroLimits).toEqual({ concurrency: 5, perWindow: 60, windowMs: 60_000 });
    // The same limiter scaled down to 3 calls per 300 ms: the 7th call cannot start before 600 ms.
    const limiter = createLimiter({ concurrency: 5, perWindow: 3, windowMs: 300 });
    const started: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 7 }, () =>
        limiter.run(async () => {
          started.push(Date.now() - t0);
        }),
      ),
    );
    started.sort((a, b) => a - b);
    for (let i = 3; i < started.length; i++)
      expect(started[i] ?? 0).toBeGreaterThanOrEqual((started[i - 3] ?? 0) + 295);
  });

  it("waits out a 429's Retry-After once for the tenant, then retries and reads every page", async () => {
    const { port, sleeps, reads } = await xeroOn({
      extraBank: bankMonthOf(3_000),
      throttle: { times: 1, retryAfterSeconds: 7 },
    });

    const lines = await port.listBankTransactions(month);

    expect(lines).toHaveLength(3_000);
    expect(sleeps).toEqual([7_000]);
    // The refused first page, its retry, and pages 2 and 3.
    expect(reads("BankTransactions")).toHaveLength(4);
  });

  it("says a listing cut by the safety cap is partial, with what Xero counted", async () => {
    const { port, reads } = await xeroOn({ extraBank: bankMonthOf(2_500) }, { maxPages: 2 });

    const lines = await port.listBankTransactions(month);
    const again = await port.listBankTransactions(month);

    expect(lines).toHaveLength(2_000);
    expect(truncationOf(lines)).toEqual({ shown: 2_000, what: "bank lines", total: 2_500 });
    expect(partialNote(truncationOf(again) ?? { shown: 0, what: "" })).toBe(
      "partial: showing the first 2,000 of 2,500 bank lines",
    );
    expect(reads("BankTransactions")).toHaveLength(2);
  });
});

describe("the HubSpot connector's paging", () => {
  /** The organisation with `extra` more open deals, copies of its first one. */
  function withOpenDeals(extra: number) {
    const template = (org.crm.deals as DealDetail[]).find((d) => !/^closed/i.test(d.stage));
    if (!template) throw new Error("the demo has an open deal");
    const deals = [
      ...org.crm.deals,
      ...Array.from({ length: extra }, (_, n) => ({ ...template, id: String(900_000 + n), name: `Volume deal ${n}` })),
    ];
    return { ...org, crm: { ...org.crm, deals } };
  }

  async function hubspotOn(extra: number, maxSearchResults?: number) {
    const fake = await startHubSpotFake({ org: withOpenDeals(extra), clock });
    closers.push(fake);
    const port = createHubSpotPort(
      { accessToken: HUBSPOT_FAKE_TOKEN, baseUrl: fake.url },
      {
        store: new MemoryStore({ clock }),
        clock,
        logger: silentLogger,
        ...(maxSearchResults !== undefined ? { maxSearchResults } : {}),
      },
    );
    const searches = () => fake.requests.filter((r) => r.path === "/crm/v3/objects/deals/search");
    return { fake, port, searches };
  }

  it("searches open deals 200 at a time and answers a repeat from the cache", async () => {
    const { port, searches, fake } = await hubspotOn(1_000);

    const deals = await port.listOpenDeals();
    const open = deals.length;
    await port.listOpenDeals();

    expect(open).toBeGreaterThan(1_000);
    expect(searches()).toHaveLength(Math.ceil(open / 200));
    for (const r of searches()) expect(JSON.parse(r.body).limit).toBe(200);
    expect(truncationOf(deals)).toBeUndefined();
    expect(fake.refusals).toEqual([]);
  });

  it("says open deals cut at the result cap are partial instead of paging past it", async () => {
    const { port, searches } = await hubspotOn(1_000, 400);

    const deals = await port.listOpenDeals();

    expect(deals).toHaveLength(400);
    expect(searches()).toHaveLength(2);
    const cut = truncationOf(deals);
    expect(cut?.shown).toBe(400);
    expect(partialNote(cut ?? { shown: 0, what: "" })).toMatch(/^partial: showing the first 400 of \d,\d{3} deals$/);
  });
});

describe("what a person reads when a listing is partial", () => {
  it("has the close digest say the bank lines are partial", async () => {
    const { port } = await xeroOn({ extraBank: bankMonthOf(2_500) }, { maxPages: 2 });
    const demo = createDemoPorts({ clock });
    const ports: Ports = { ...demo, accounting: port, sources: { ...demo.sources, accounting: "real" } };

    const text = cardToText(await createDigests({ ports, clock, store: new MemoryStore({ clock }) }).close.run());

    expect(text).toContain("Partial: showing the first 2,000 of 2,500 bank lines.");
    expect(text).toContain("2000 bank lines");
  });

  it("has the bank tool's result and its offline reply say the count is partial", async () => {
    const { port } = await xeroOn({ extraBank: bankMonthOf(2_500) }, { maxPages: 2 });
    const bank = accountingReadTools(port, { clock, labels: new EntityLabels() }).find(
      (t) => t.name === "accounting_bank_transactions",
    );

    const content = (await bank?.invoke({ month })) as string;
    const value = JSON.parse(content) as Record<string, unknown>;
    const reply = renderReply("accounting_bank_transactions", "", content, value, { now: clock.now() });

    expect(value.partial).toEqual(["partial: showing the first 2,000 of 2,500 bank lines"]);
    expect(reply.text).toContain("_Partial: showing the first 2,000 of 2,500 bank lines._");
  });

  it("has a complete listing say nothing about being partial", async () => {
    const { port } = await xeroOn({ extraBank: bankMonthOf(2_500) });
    const bank = accountingReadTools(port, { clock, labels: new EntityLabels() }).find(
      (t) => t.name === "accounting_bank_transactions",
    );

    const value = JSON.parse((await bank?.invoke({ month })) as string) as Record<string, unknown>;

    expect(value.partial).toBeUndefined();
    expect((value.totals as { lines: number }).lines).toBe(2_500);
  });
});
