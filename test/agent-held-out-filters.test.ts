/**
 * Held-out phrasings that gave confident wrong answers (issue 13): "any deals closing this week?"
 * listed deals already closed; it is the open deals whose expected close date falls in the
 * organisation's week (Monday to Sunday, in its timezone). On the demo and the second
 * organisation and on three dates. Expectations come from the generated organisation.
 */
import { describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import type { DemoOrg } from "../tools/demo/generate.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { callsOf, offlineAgent, toolsOf } from "./support/offline-agent.ts";

const dates = ["2026-11-23T09:00:00Z", "2026-12-01T07:00:00Z", "2026-12-16T12:00:00Z"];
const orgs: [string, (now: number) => DemoOrg][] = [
  ["the demo", (now) => generateDemoOrg({ now })],
  ["the second organisation", (now) => generateDemoOrg({ now, profile: secondOrgProfile })],
];
const dayMs = 86_400_000;
/** Monday..Sunday (YYYY-MM-DD) of the UTC week holding `now`, shifted by `weeks`. */
function utcWeek(now: number, weeks: number): [string, string] {
  const d = new Date(now);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const monday = day - ((d.getUTCDay() + 6) % 7) * dayMs + weeks * 7 * dayMs;
  return [new Date(monday).toISOString().slice(0, 10), new Date(monday + 6 * dayMs).toISOString().slice(0, 10)];
}

describe.each(orgs)("deals closing this week on %s", (_name, make) => {
  describe.each(dates)("on %s", (at) => {
    const clock = fixedClock(at);
    const org = make(clock.now());
    const open = org.crm.deals.filter((d) => !/^closed/i.test(d.stage));
    // The generated deals close three weeks out or later: two are moved into this week's Sunday
    // and next week's Monday, so each week has a deal in it and its edges are tested.
    const [a, b] = open;
    if (!a || !b) throw new Error("the organisation has fewer than two open deals");
    a.closeDate = utcWeek(clock.now(), 0)[1];
    b.closeDate = utcWeek(clock.now(), 1)[0];
    const closed = org.crm.deals.filter((d) => /^closed/i.test(d.stage));

    it.each([
      ["any deals closing this week?", 0],
      ["which deals close next week", 1],
      ["anything closing next week", 1],
    ] as const)(
      "reads '%s' as the open deals expected to close in that week, not the deals closed",
      async (q, weeks) => {
        const { ask } = await offlineAgent(org, clock);
        const [from, to] = utcWeek(clock.now(), weeks);
        const due = open.filter(
          (d) => d.closeDate && d.closeDate.slice(0, 10) >= from && d.closeDate.slice(0, 10) <= to,
        );
        const turn = await ask(q);
        expect(toolsOf(turn)).toEqual(["crm_deals_by_priority"]);
        expect(due.length).toBeGreaterThan(0);
        expect(turn.text).toContain(`${due.length === 1 ? "1 open deal is" : `${due.length} open deals are`}`);
        for (const d of due) expect(turn.text).toContain(d.name);
        for (const d of open.filter((x) => !due.includes(x))) expect(turn.text).not.toContain(d.name);
        for (const d of closed) expect(turn.text).not.toContain(d.name);
      },
    );
  });
});

describe("the deals tool's week follows the organisation's timezone", () => {
  it("counts Sunday 23:30 UTC as the next week in Berlin, where it is already Monday", async () => {
    // Sunday 2026-12-13 23:30 UTC is Monday 2026-12-14 00:30 in Berlin.
    const clock = fixedClock("2026-12-13T23:30:00Z");
    const org = generateDemoOrg({ now: clock.now(), profile: secondOrgProfile });
    const open = org.crm.deals.filter((d) => !/^closed/i.test(d.stage) && d.closeDate);
    // One deal on each side of Berlin's Monday: Sunday the 13th (UTC's week) and Monday the 14th.
    const [a, b, c] = open;
    if (!a || !b || !c) throw new Error("the organisation has fewer than three open deals");
    a.closeDate = "2026-12-13";
    b.closeDate = "2026-12-14";
    c.closeDate = "2026-12-21";
    const read = async (timeZone: string, closing: string) => {
      const catalog = createToolCatalog(createDemoPorts({ clock, org }), { clock, timeZone, warmLabels: false });
      const tool = catalog.read.find((r) => r.tool.name === "crm_deals_by_priority")?.tool;
      const v = JSON.parse(String(await tool?.invoke({ closing, limit: 25 }))) as { deals: { name: string }[] };
      return v.deals.map((d) => d.name).sort();
    };
    const within = (from: string, to: string) =>
      open
        .filter((d) => String(d.closeDate).slice(0, 10) >= from && String(d.closeDate).slice(0, 10) <= to)
        .map((d) => d.name)
        .sort();
    expect(await read("Europe/Berlin", "this_week")).toEqual(within("2026-12-14", "2026-12-20"));
    expect(await read("Europe/Berlin", "next_week")).toEqual(within("2026-12-21", "2026-12-27"));
    expect(await read("UTC", "this_week")).toEqual(within("2026-12-07", "2026-12-13"));
    expect(await read("UTC", "this_week")).toContain(a.name);
    expect(await read("Europe/Berlin", "this_week")).toEqual([b.name]);
  });
});

describe.each(orgs)("money customers owe us on %s", (_name, make) => {
  describe.each(dates)("on %s", (at) => {
    const clock = fixedClock(at);
    const daysAgo = (n: number) => new Date(clock.now() - n * dayMs).toISOString().slice(0, 10);
    const bills = (org: DemoOrg) => org.accounting.invoices.filter((i) => i.type === "ACCPAY" && i.status !== "PAID");

    it.each(["any overdue invoices?", "who's late paying us?"])(
      "reads '%s' as sales invoices: the generated books hold none, and no bill is listed as one",
      async (q) => {
        const org = make(clock.now());
        expect(org.accounting.invoices.filter((i) => i.type === "ACCREC")).toEqual([]);
        const { ask } = await offlineAgent(org, clock);
        const turn = await ask(q);
        expect(toolsOf(turn)).toEqual(["accounting_invoices"]);
        expect(turn.text).toMatch(/^The books hold no overdue sales invoices \(money customers owe us\)/);
        expect(turn.text).toContain("any overdue bills?");
        for (const b of bills(org).slice(0, 20)) expect(turn.text).not.toContain(`[${b.number}]`);
        expect(turn.text).not.toMatch(/\bbills from\b|\d+ bills\b/);
      },
    );

    it("lists the sales invoices past due, not the ones paid or not yet due, and no bill", async () => {
      const org = make(clock.now());
      const currency = org.profile.currency;
      const sale = (n: string, customer: string, due: string, status: "AUTHORISED" | "PAID", total: number) => ({
        id: `ar-${n}`,
        number: n,
        type: "ACCREC" as const,
        contact: { id: `c-${n}`, name: customer },
        date: daysAgo(60),
        dueDate: due,
        total,
        currency,
        status,
        lines: [],
      });
      org.accounting.invoices.push(
        sale("S-901", "Late Payer Ltd", daysAgo(20), "AUTHORISED", 12_400),
        sale("S-902", "Paid Up Ltd", daysAgo(20), "PAID", 7_000),
        sale(
          "S-903",
          "Not Due Ltd",
          new Date(clock.now() + 10 * dayMs).toISOString().slice(0, 10),
          "AUTHORISED",
          3_000,
        ),
      );
      const { ask } = await offlineAgent(org, clock);
      for (const q of ["who's late paying us?", "any overdue invoices?"]) {
        const turn = await ask(q);
        expect(turn.text).toContain("Late Payer Ltd");
        expect(turn.text).toContain("12,400");
        expect(turn.text).toMatch(/^Sales invoices customers still owe us/);
        expect(turn.text).not.toContain("Paid Up Ltd");
        expect(turn.text).not.toContain("Not Due Ltd");
        for (const b of bills(org).slice(0, 20)) expect(turn.text).not.toContain(`[${b.number}]`);
      }
      const owed = await ask("who owes us money?");
      expect(owed.text).toContain("Late Payer Ltd");
      expect(owed.text).toContain("Not Due Ltd");
      expect(owed.text).not.toContain("Paid Up Ltd");
    });

    it("keeps 'any overdue bills?' and 'unpaid invoices from <vendor>' on the bills", async () => {
      const org = make(clock.now());
      const { ask } = await offlineAgent(org, clock);
      const vendor = bills(org)[0]?.contact.name;
      if (!vendor) throw new Error("no unpaid bill");
      for (const q of ["any overdue bills?", `unpaid invoices from ${vendor}`]) {
        const turn = await ask(q);
        expect(callsOfType(turn)).not.toContain("ACCREC");
        expect(turn.text).not.toContain("sales invoices");
      }
    });
  });
});

function callsOfType(turn: Parameters<typeof callsOf>[0]): unknown[] {
  return callsOf(turn).map((c) => c.args.type);
}

describe.each(orgs)("one person's pipeline on %s", (_name, make) => {
  describe.each(dates)("on %s", (at) => {
    const clock = fixedClock(at);
    const org = make(clock.now());
    const open = org.crm.deals.filter((d) => !/^closed/i.test(d.stage));
    const ownerNames = [...new Set(open.map((d) => d.ownerName).filter((n): n is string => !!n))];

    it("shows an owner's own open deals and total, nobody else's", async () => {
      const { ask } = await offlineAgent(org, clock);
      const owner = ownerNames.at(-1) as string;
      const theirs = open.filter((d) => d.ownerName === owner);
      const total = theirs.reduce((s, d) => s + d.amount, 0);
      for (const q of [`what is ${owner}'s pipeline?`, `whats ${owner.split(" ")[0]?.toLowerCase()}'s pipeline`]) {
        const turn = await ask(q);
        expect(toolsOf(turn)).toEqual(["crm_deals_by_priority"]);
        expect(turn.text).toContain(`all owned by ${owner}.`);
        expect(turn.text).toContain(total.toLocaleString("en-US"));
        for (const d of open.filter((x) => x.ownerName !== owner)) expect(turn.text).not.toContain(d.name);
      }
    });

    it("says a teammate who owns no deal owns no open deals, not everyone's pipeline", async () => {
      const { ask } = await offlineAgent(org, clock);
      // A Jira assignee who owns no CRM deal.
      const teammate = [...new Set(org.jira.issues.map((i) => i.assignee).filter((a): a is string => !!a))].find(
        (a) => !org.crm.deals.some((d) => d.ownerName === a),
      );
      if (!teammate) throw new Error("every teammate owns a deal");
      const turn = await ask(`what is ${teammate}'s pipeline?`);
      expect(turn.text).toBe(`${teammate} owns no open deals in the CRM.`);
    });

    it("says it does not know a name no owner or teammate has, and shows no deal", async () => {
      const { ask } = await offlineAgent(org, clock);
      for (const q of ["what is Zed Quux's pipeline?", "how much pipeline does Zed have?"]) {
        const turn = await ask(q);
        expect(turn.text).toMatch(/^I don't know anyone called Zed/);
        for (const owner of ownerNames) expect(turn.text).toContain(owner);
        for (const d of open) expect(turn.text).not.toContain(d.name);
        expect(turn.text).not.toMatch(/Pipeline: /);
      }
    });

    it("keeps 'what's our pipeline?' the whole pipeline", async () => {
      const { ask } = await offlineAgent(org, clock);
      const turn = await ask("what's our pipeline?");
      expect(turn.text).toContain(`across ${open.length} open deals`);
    });
  });
});
