/**
 * Every digest over the demo organisation: it finds the situations the demo contains, and
 * every figure it prints equals an independent, deliberately naive computation (plain loops,
 * nested where the analytics use hash joins) over the same port data.
 */
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import {
  CLOSE_APPROVE_INVOICE_ACTION_ID,
  CLOSE_REJECT_INVOICE_ACTION_ID,
  DRAFT_FOLLOWUP_ACTION_ID,
  LOG_OUTREACH_ACTION_ID,
} from "../../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../../src/core/card.ts";
import { fixedClock } from "../../src/core/clock.ts";
import type { Customer } from "../../src/core/domain/crm.ts";
import type { JiraIssue } from "../../src/core/domain/jira.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { getJson, setJson } from "../../src/core/store.ts";
import { MemoryStore } from "../../src/store/memory-store.ts";
import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import { money as moneyIn } from "./format.ts";
import { modelNarrator } from "./narrative.ts";
import { createDigests } from "./registry.ts";
import { STANDUP_SNAPSHOT_KEY, type StandupSnapshot } from "./standup.ts";

/** The demo organisation keeps its CRM and its books in US dollars. */
const money = (amount: number) => moneyIn(amount, "USD");

const DAY = 86_400_000;

function setup() {
  const clock = fixedClock("2026-11-23T09:00:00Z");
  const ports = createDemoPorts({ clock });
  const store = new MemoryStore();
  return { clock, ports, store, digests: createDigests({ ports, clock, store }) };
}

function listTitles(card: Card, title: string): string[] {
  const block = card.blocks.find((b) => b.type === "list" && b.title?.includes(title));
  return block?.type === "list" ? block.items.map((i) => i.title) : [];
}

function firstText(card: Card): string {
  const block = card.blocks.find((b) => b.type === "text");
  return block?.type === "text" ? block.text : "";
}

function expectReadable(card: Card): void {
  const text = cardToText(card);
  expect(text).not.toMatch(/undefined|NaN|\[object|\{\w+\}/);
  // Readable in 30 seconds: a bounded number of lines.
  expect(text.split("\n").length).toBeLessThan(60);
}

async function allIssues(ports: ReturnType<typeof setup>["ports"]): Promise<JiraIssue[]> {
  const out: JiraIssue[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.jira.searchIssues({ limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

describe("standup digest on the demo organisation", () => {
  it("reports sprint progress and the change since yesterday as independently summed story points", async () => {
    const { clock, ports, digests } = setup();
    const sprint = await ports.jira.getActiveSprint();
    const issues = await ports.jira.getSprintIssues(sprint?.id ?? -1);
    let total = 0;
    let done = 0;
    let doneYesterday = 0;
    for (const i of issues) {
      total += i.storyPoints ?? 0;
      if (i.statusCategory !== "done") continue;
      done += i.storyPoints ?? 0;
      if (!i.resolvedAt || Date.parse(i.resolvedAt) <= clock.now() - DAY) doneYesterday += i.storyPoints ?? 0;
    }
    const card = await digests.standup.run();
    const text = cardToText(card);
    expect(text).toContain(`${done} of ${total} points (${Math.round((done / total) * 100)}%)`);
    expect(text).toContain(
      `+${done - doneYesterday} points (${Math.round((doneYesterday / total) * 100)}% → ${Math.round((done / total) * 100)}%)`,
    );
    // The demo's stated figures (docs/demo-organisation.md): 72% done, 65% yesterday.
    expect(firstText(card)).toContain("72% done");
    expect(text).toContain("65% → 72%");
    expectReadable(card);
  });

  it("puts blockers with owner and age first, then at-risk stories and the review queue", async () => {
    const { digests } = setup();
    const card = await digests.standup.run();
    const blockers = listTitles(card, "Blockers").join("\n");
    expect(blockers).toContain("ENG-145");
    expect(blockers).toContain("ENG-147");
    const blockerList = card.blocks.find((b) => b.type === "list" && b.title?.includes("Blockers"));
    const eng145 =
      blockerList?.type === "list" ? blockerList.items.find((i) => i.title.includes("ENG-145")) : undefined;
    expect(eng145?.meta).toBe("Maria Garcia, 2d");
    expect(eng145?.text).toContain("Backend team");
    expect(listTitles(card, "At risk").join("\n")).toMatch(/ENG-151[\s\S]*ENG-153|ENG-153[\s\S]*ENG-151/);
    expect(listTitles(card, "Ready for review").join("\n")).toContain("ENG-142");
    const order = card.blocks.map((b) => (b.type === "list" ? b.title : b.type));
    expect(order.indexOf("**Blockers**")).toBeLessThan(order.indexOf("**Ready for review**"));
    expect(order.indexOf("**Blockers**")).toBeLessThan(order.indexOf("fields"));
  });

  it("leaves the stored snapshot alone when it is only previewed", async () => {
    const { digests, store } = setup();
    await digests.standup.run({ preview: true });
    expect(await store.get(STANDUP_SNAPSHOT_KEY)).toBeUndefined();
    await digests.standup.run();
    expect(await store.get(STANDUP_SNAPSHOT_KEY)).toBeDefined();
  });

  it("shows what moved since the previous digest from the snapshot it stored", async () => {
    const { digests, store } = setup();
    const first = await digests.standup.run();
    expect(cardToText(first)).toContain("Moved in the last 24 hours");
    const snapshot = await getJson<StandupSnapshot>(store, STANDUP_SNAPSHOT_KEY);
    expect(snapshot?.statuses["ENG-145"]).toBe("In Progress");
    // Pretend ENG-145 was still in To Do at the previous digest.
    await setJson(store, STANDUP_SNAPSHOT_KEY, {
      ...snapshot,
      statuses: { ...snapshot?.statuses, "ENG-145": "To Do" },
    });
    const second = await digests.standup.run();
    const moved = second.blocks.find((b) => b.type === "list" && b.title?.includes("Moved since the last digest"));
    expect(moved?.type === "list" ? moved.items.map((i) => [i.title.slice(0, 9), i.text]) : []).toEqual([
      ["[ENG-145]", "To Do → In Progress"],
    ]);
  });
});

describe("sales digest on the demo organisation", () => {
  it("names each deal's owner when it covers the whole team", async () => {
    const { digests } = setup();
    const card = await digests.sales.run();
    expect(card.header).toBe("Sales priorities");
    const top = card.blocks.find((b) => b.type === "list");
    expect(top?.type === "list" ? top.items[0]?.meta : "").toMatch(/^Alex Rivera, \$250,000/);
  });

  it("ranks the $250K Acme Corp deal first with a Draft follow-up button", async () => {
    const { digests } = setup();
    const card = await digests.sales.run({ ownerId: "owner-alex" });
    expect(card.header).toBe("Sales priorities: Alex Rivera");
    expect(listTitles(card, "Top priorities")[0]).toContain("Acme Corp");
    const buttons = cardButtons(card);
    expect(buttons[0]).toMatchObject({ actionId: DRAFT_FOLLOWUP_ACTION_ID, value: "1001", label: "Draft follow-up" });
    const top = card.blocks.find((b) => b.type === "list");
    expect(top?.type === "list" ? top.items[0]?.meta : "").toBe("$250,000 × 85% = $212,500, replied");
    expectReadable(card);
  });

  it("states the open deal count and weighted pipeline as summed from the CRM", async () => {
    const { ports, digests } = setup();
    const deals = await ports.crm.listOpenDeals({ ownerId: "owner-alex" });
    let weighted = 0;
    for (const d of deals) weighted += d.amount * d.probability;
    const card = await digests.sales.run({ ownerId: "owner-alex" });
    expect(firstText(card)).toContain(`out of ${deals.length} open, ${money(weighted)} weighted pipeline`);
    for (const b of cardButtons(card)) expect(deals.some((d) => d.id === b.value)).toBe(true);
  });

  it("flags the deal silent for 5 days and the one ghosted after its demo", async () => {
    const { digests } = setup();
    const text = cardToText(await digests.sales.run({ ownerId: "owner-alex" }));
    expect(text).toMatch(/TechStart[^\n]*silent 5d/);
    expect(text).toMatch(/BetaCo[^\n]*ghosted after demo/);
  });
});

describe("churn digest on the demo organisation", () => {
  /** The documented point table, written out independently of churn-score.ts. */
  function naiveScore(c: Customer, now: number): number {
    let score = 0;
    if (c.usageChange <= -0.5) score += 50;
    else if (c.usageChange <= -0.3) score += 30;
    else if (c.usageChange <= -0.15) score += 15;
    const login = c.adminLastLoginAt ? (now - Date.parse(c.adminLastLoginAt)) / DAY : 999;
    if (login >= 30) score += 20;
    else if (login >= 14) score += 15;
    else if (login >= 7) score += 10;
    let open = 0;
    for (const t of c.tickets) if (t.status === "open") open++;
    if (open >= 3) score += 15;
    else if (open >= 1) score += 5;
    if (c.lastFailedPaymentAt && now - Date.parse(c.lastFailedPaymentAt) < 31 * DAY) score += 25;
    score += c.unusedPaidFeatures.length >= 3 ? 25 : 5 * c.unusedPaidFeatures.length;
    return Math.min(100, score);
  }

  it("flags BrightTech (usage down 65%) high with its signals and a Log outreach button", async () => {
    const { digests } = setup();
    const card = await digests.churn.run();
    const high = card.blocks.find((b) => b.type === "list" && b.title?.includes("High risk"));
    const bright = high?.type === "list" ? high.items.find((i) => i.title.includes("BrightTech")) : undefined;
    expect(bright?.text).toContain("usage down 65%");
    expect(bright?.buttons?.[0]).toMatchObject({ actionId: LOG_OUTREACH_ACTION_ID, value: "5001" });
    expectReadable(card);
  });

  it("counts high and medium customers and their ARR as an independent scoring does", async () => {
    const { clock, ports, digests } = setup();
    const customers = await ports.crm.listCustomers();
    let high = 0;
    let medium = 0;
    let highArr = 0;
    for (const c of customers) {
      const score = naiveScore(c, clock.now());
      if (score >= 50) {
        high++;
        highArr += c.arr;
      } else if (score >= 25) medium++;
    }
    const card = await digests.churn.run();
    expect(firstText(card)).toContain(
      `**${high} high-risk customer${high === 1 ? "" : "s"}** (${money(highArr)} ARR), ${medium} medium`,
    );
    const text = cardToText(card);
    for (const c of customers) {
      const score = naiveScore(c, clock.now());
      if (score >= 50) expect(text).toContain(`score ${score}, ${money(c.arr)} ARR, ${c.ownerName}`);
    }
  });
});

describe("close digest on the demo organisation", () => {
  it("flags #4729 without PO and #4801 as a duplicate, each with Approve and Reject", async () => {
    const { digests } = setup();
    const card = await digests.close.run();
    expect(listTitles(card, "without a purchase order").join("\n")).toContain("#4729");
    expect(listTitles(card, "Possible duplicates").join("\n")).toContain("#4801");
    const ids = cardButtons(card).map((b) => `${b.actionId}:${b.value}`);
    for (const inv of ["inv-4729", "inv-4801"]) {
      expect(ids).toContain(`${CLOSE_APPROVE_INVOICE_ACTION_ID}:${inv}`);
      expect(ids).toContain(`${CLOSE_REJECT_INVOICE_ACTION_ID}:${inv}`);
    }
    expectReadable(card);
  });

  it("lists the $2,100 undocumented wire, the refund and the $12.50 bank fee, and the 18% Marketing variance", async () => {
    const { digests } = setup();
    const text = cardToText(await digests.close.run());
    expect(text).toContain("$2,100 out: Outgoing wire transfer - no remittance details - wire with no documentation");
    expect(text).toContain("$12.50 out: Monthly account service fee - bank fee not in the books");
    expect(text).toContain("refund of unknown origin");
    // November is in progress on the 23rd: it compares with October's spend pro rata.
    expect(text).toMatch(/Marketing \+18% - \$[\d,.]+ vs \$[\d,.]+ last month pro rata \(day 23 of 30\)/);
  });

  it("matches every count and amount to a naive nested-loop reconciliation of the same books", async () => {
    const { ports, digests } = setup();
    const month = "2026-11";
    const invoices = await ports.accounting.listInvoices({ month });
    const pos = await ports.accounting.listPurchaseOrders(month);
    const bank = await ports.accounting.listBankTransactions(month);
    const pnl = await ports.accounting.getProfitAndLoss(month);
    const prev = await ports.accounting.getProfitAndLoss("2026-10");
    const bills = invoices.filter((i) => i.type === "ACCPAY" && !["VOIDED", "DELETED", "DRAFT"].includes(i.status));
    const noPo = bills.filter((b) => !pos.some((p) => p.number === b.purchaseOrderNumber));
    const dups = bills.filter((b) =>
      bills.some(
        (o) =>
          o !== b &&
          o.contact.id === b.contact.id &&
          o.date < b.date &&
          (o.reference === b.reference || o.total === b.total),
      ),
    );
    // Unreconciled lines whose amount matches no open book entry at all.
    const unmatched = bank.filter(
      (t) => !t.reconciled && !invoices.some((i) => (i.type === "ACCPAY" ? -i.total : i.total) === t.amount),
    );
    // 23 of November's 30 days have passed: October's spend pro rata is the comparison.
    const share = 23 / 30;
    const variances: { account: string; pct: number; current: number; previous: number }[] = [];
    for (const e of pnl.expenses) {
      for (const p of prev.expenses) {
        const before = Math.round(p.amount * share * 100) / 100;
        if (p.account === e.account && before !== 0 && Math.abs((e.amount / before - 1) * 100) > 15) {
          variances.push({
            account: e.account,
            pct: Math.round((e.amount / before - 1) * 100),
            current: e.amount,
            previous: before,
          });
        }
      }
    }
    expect(noPo.map((b) => b.number)).toEqual(["4729"]);
    expect(dups.map((b) => b.number)).toEqual(["4801"]);
    expect(unmatched.map((t) => t.amount).sort((a, b) => a - b)).toEqual([-2100, -12.5, 350]);
    expect(variances.map((v) => [v.account, v.pct])).toEqual([["Marketing", 18]]);

    const card = await digests.close.run();
    const exceptions = noPo.length + dups.length + unmatched.length + variances.length;
    expect(firstText(card)).toBe(
      `**${exceptions} exceptions** for November 2026: ${noPo.length} without PO, ${dups.length} possible duplicate, ${unmatched.length} unmatched bank lines, ${variances.length} spend variance over 15%.`,
    );
    const text = cardToText(card);
    const v = variances[0];
    expect(text).toContain(
      `Marketing +18% - ${money(v?.current ?? 0)} vs ${money(v?.previous ?? 0)} last month pro rata (day 23 of 30)`,
    );
    let income = 0;
    let expenses = 0;
    for (const i of pnl.income) income += i.amount;
    for (const e of pnl.expenses) expenses += e.amount;
    expect(text).toContain(`Income: ${money(income)}`);
    expect(text).toContain(`Expenses: ${money(expenses)}`);
    expect(text).toContain(`Net profit: ${money(income - expenses)}`);
    const reconciled = bank.filter((t) => t.reconciled).length;
    expect(text).toContain(
      `${bills.length} bills (${bills.length - noPo.length} matched to a PO), ${bank.length} bank lines (${reconciled} reconciled, 0 matched now)`,
    );
  });

  it("closes last month's books in the first days of a month", async () => {
    const { clock, digests } = setup();
    clock.set(Date.parse("2026-12-02T18:00:00Z"));
    const card = await digests.close.run();
    expect(card.header).toBe("Month-end close: November 2026");
  });
});

describe("close digest in the world a user brings", () => {
  it("closes the month the org's calendar is in, not UTC's: still the 10th in New York", async () => {
    const clock = fixedClock("2026-12-11T02:00:00Z");
    const ports = createDemoPorts({ clock });
    const newYork = createDigests({ ports, clock, store: new MemoryStore(), timeZone: "America/New_York" });
    const utc = createDigests({ ports, clock, store: new MemoryStore() });
    expect((await newYork.close.run()).header).toBe("Month-end close: November 2026");
    expect((await utc.close.run()).header).toBe("Month-end close: December 2026");
  });

  it("states in one line that there is no previous month to compare with, and still lists the exceptions", async () => {
    const { clock, ports } = setup();
    const accounting = {
      ...ports.accounting,
      getProfitAndLoss: async (month: string) => {
        if (month < "2026-11") throw new DaybookError("not_found", `no P&L for ${month}`);
        return ports.accounting.getProfitAndLoss(month);
      },
    };
    const digests = createDigests({ ports: { ...ports, accounting }, clock, store: new MemoryStore() });

    const card = await digests.close.run();
    const text = cardToText(card);

    expect(card.header).toBe("Month-end close: November 2026");
    expect(text).toContain("No figures for October 2026 to compare with.");
    expect(text).not.toContain("Spend variance");
    expect(text).not.toContain("Net profit October");
    expect(firstText(card)).toMatch(
      /^\*\*5 exceptions\*\* for November 2026: 1 without PO, 1 possible duplicate, 3 unmatched bank lines, 0 spend variances/,
    );
    const weekly = cardToText(await digests.weekly.run());
    expect(weekly).toContain("5 close exceptions open");
  });

  it("leaves the close out of the weekly summary, with a note, when the books cannot be read", async () => {
    const { clock, ports } = setup();
    const accounting = {
      ...ports.accounting,
      listBankTransactions: async () => {
        throw new DaybookError("upstream_unavailable", "Xero 503 token-abc");
      },
    };
    const digests = createDigests({ ports: { ...ports, accounting }, clock, store: new MemoryStore() });

    const text = cardToText(await digests.weekly.run());

    expect(text).toContain("the close could not be read from the books.");
    expect(text).toContain("Close November 2026: could not be read from the books.");
    expect(text).not.toMatch(/503|token-abc|undefined/);
  });
});

describe("weekly digest on the demo organisation", () => {
  it("summarises shipped issues, high-risk customers and open close exceptions with independent counts", async () => {
    const { clock, ports, digests } = setup();
    const issues = await allIssues(ports);
    // Monday 23 November: the summary is about the calendar week that just ended, 16-22 November (UTC).
    expect(new Date(clock.now()).getUTCDay()).toBe(1);
    const weekStart = Date.parse("2026-11-16T00:00:00Z");
    const shipped = issues.filter(
      (i) =>
        i.statusCategory === "done" &&
        i.resolvedAt &&
        Date.parse(i.resolvedAt) >= weekStart &&
        Date.parse(i.resolvedAt) < weekStart + 7 * DAY,
    );
    const card = await digests.weekly.run();
    expect(firstText(card)).toContain(`This week: ${shipped.length} issues shipped`);
    expect(firstText(card)).toContain("6 close exceptions open");
    expect(listTitles(card, "high risk").join("\n")).toContain("BrightTech");
    expectReadable(card);
  });
});

describe("every digest", () => {
  it("renders to plain text with a header and fallback text", async () => {
    const { digests } = setup();
    for (const digest of Object.values(digests)) {
      const card = await digest.run({ ownerId: "owner-alex" });
      expect(card.header).toContain(digest.title);
      expect(card.fallbackText?.length).toBeGreaterThan(10);
      expectReadable(card);
    }
  });

  it("keeps the template when a model narrative invents a number", async () => {
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const ports = createDemoPorts({ clock });
    const store = new MemoryStore();
    const invented = createDigests({ ports, clock, store, narrate: async () => "Revenue is up 42% this week." });
    expect(firstText(await invented.churn.run())).toMatch(/^\*\*2 high-risk customers\*\*/);
    const faithful = createDigests({
      ports,
      clock,
      store,
      narrate: async ({ facts }) => `Call the ${facts.high} accounts at risk first.`,
    });
    expect(firstText(await faithful.churn.run())).toBe("Call the 2 accounts at risk first.");
  });

  it("uses a chat model's opening when it only repeats the computed figures", async () => {
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const model = new FakeListChatModel({ responses: ["Two customers need a call today; start with BrightTech."] });
    const digests = createDigests({
      ports: createDemoPorts({ clock }),
      clock,
      store: new MemoryStore(),
      narrate: modelNarrator(model),
    });
    expect(firstText(await digests.churn.run())).toBe("Two customers need a call today; start with BrightTech.");
  });
});
