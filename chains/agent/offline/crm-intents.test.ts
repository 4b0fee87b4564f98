import { describe, expect, it } from "vitest";
import { crmIntents } from "./crm-intents.ts";

const intent = (name: string) => {
  const found = crmIntents.find((i) => i.name === name);
  if (!found) throw new Error(`no intent ${name}`);
  return found;
};

describe("the CRM questions' filters", () => {
  const now = Date.parse("2026-11-23T09:00:00Z");

  it("reaches back to the 1st for 'this month' and to the quarter's first day for 'this quarter', on any date", () => {
    const args = intent("won-or-lost").args;
    expect(args?.("what did we lose this month?", { now, timeZone: "UTC" })).toMatchObject({
      outcome: "lost",
      days: 22,
    });
    expect(args?.("what did we win this quarter?", { now, timeZone: "UTC" })).toMatchObject({
      outcome: "won",
      days: 53,
    });
    expect(args?.("what did we win in the last 30 days?", { now })).toMatchObject({ days: 30 });
    for (let day = 1; day <= 28; day++) {
      const at = Date.parse(`2026-03-${String(day).padStart(2, "0")}T12:00:00Z`);
      expect(args?.("deals won this month", { now: at, timeZone: "UTC" })).toMatchObject({
        days: Math.max(1, day - 1),
      });
    }
  });

  it("keeps the previous list's close month and owner for 'and the biggest one?', not for 'our biggest deal'", () => {
    const args = intent("biggest-deals").args;
    const previous = { tool: "crm_deals_by_priority", args: { closing: "next_month", ownerId: "o-1", limit: 25 } };
    expect(args?.("and the biggest one?", { previous })).toEqual({
      sort: "amount",
      limit: 5,
      closing: "next_month",
      ownerId: "o-1",
    });
    expect(args?.("what's our biggest deal?", { previous })).toEqual({ sort: "amount", limit: 5 });
  });

  it("does not read 'how do we win <company>?' or the biggest expense as a deals question", () => {
    expect(intent("won-or-lost").test("how do we win Acme?")).toBe(false);
    expect(intent("biggest-deals").test("what's the biggest expense?")).toBe(false);
    expect(intent("deals-over").args?.("deals over $200,000")).toMatchObject({ minAmount: 200_000, sort: "amount" });
  });
});
