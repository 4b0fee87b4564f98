/**
 * The calendar sweep (issue 10): every digest and the questions people ask, through the
 * composed app on an injected clock, on every date of sweepDates() for one organisation.
 * Asserts no error reply anywhere and figures that agree across dates: the close digest on the
 * 1st and on the 10th describes the same month with the same figures, and always the month
 * being closed in the organisation's timezone.
 */
import { afterAll, describe, expect, it } from "vitest";
import { digestNames } from "../../src/config/org.ts";
import { type Card, cardToText } from "../../src/core/card.ts";
import { closeMonth, localToday, monthLabel, shiftMonth } from "../../src/core/period.ts";
import { monthName, replyFailure, type SweepOrg, sweepWorld } from "./sweep.ts";
import { sweepDates } from "./sweep-dates.ts";

interface DayResult {
  iso: string;
  closeMonth: string;
  closeCard: string;
}

/** Questions whose answer must name a period: [question, label the answer must contain]. */
function periodQuestions(now: number, timeZone: string): [string, string][] {
  const today = localToday(now, timeZone);
  const thisMonth = today.slice(0, 7);
  const closing = closeMonth(now, timeZone);
  const lastMonth = shiftMonth(thisMonth, -1);
  const twoAgo = shiftMonth(thisMonth, -2);
  return [
    ["what's left for the close?", monthLabel(closing)],
    [`what's left for the ${monthName(lastMonth)} close?`, monthLabel(lastMonth)],
    [`show the P&L for ${monthName(twoAgo)}`, monthLabel(twoAgo)],
    ["what was net profit last month?", monthLabel(lastMonth)],
    ["P&L this month", monthLabel(thisMonth)],
    ["P&L this quarter", `Q${Math.ceil(Number(thisMonth.slice(5)) / 3)} ${thisMonth.slice(0, 4)}`],
    ["P&L year to date", thisMonth.slice(0, 4)],
    [`P&L for ${monthName(thisMonth)} last year`, monthLabel(shiftMonth(thisMonth, -12))],
  ];
}

const everydayQuestions = [
  "what's blocking the sprint?",
  "which deals need me today?",
  "which customers are at risk of churning?",
  "which deals did we win this week?",
  "show unreconciled bank transactions",
  "any bills without a purchase order?",
];

function text(card: Card): string {
  return cardToText(card);
}

export function defineCalendarSweep(o: SweepOrg, options: { questionsEvery?: number } = {}): void {
  const dates = sweepDates();
  const results: DayResult[] = [];

  describe(`calendar sweep: ${o.label}`, () => {
    afterAll(() => {
      results.length = 0;
    });

    it.each(dates.map((iso, i) => [iso, i] as const))("works on %s", async (iso, index) => {
      const now = Date.parse(iso);
      const world = await sweepWorld(o, now);
      try {
        const closing = closeMonth(now, o.org.timezone);
        for (const name of digestNames) {
          const { cards, run } = await world.app.scheduler.runNow(name, { post: false });
          expect(run.status, `${name} on ${iso}: ${run.error?.message ?? ""}`).not.toBe("failed");
          for (const card of cards) expect(replyFailure(text(card)), `${name} on ${iso}`).toBeUndefined();
        }
        const { card: close } = await world.app.scheduler.runNow("close", { post: false });
        const closeText = text(close);
        // The named exceptions always live in the month being closed: 1 without PO, 1 duplicate,
        // 3 bank lines, 1 variance.
        expect(close.header, iso).toContain(monthLabel(closing));
        expect(closeText, iso).toMatch(/6 exceptions/);
        expect(closeText, iso).toMatch(/Marketing \+18%/);
        results.push({ iso, closeMonth: closing, closeCard: closeText });

        const { card: weekly } = await world.app.scheduler.runNow("weekly", { post: false });
        expect(text(weekly), iso).toContain(`6 close exceptions`);
        // The demo's deals closed this week fall in the week the summary covers, on any weekday.
        expect(text(weekly), iso).toMatch(/2 deals won \([^)]+\), 1 lost/);

        const every = options.questionsEvery ?? 1;
        if (index % every !== 0) return;
        const help = await world.ask("help");
        const examples = [...help.matchAll(/^- _?(.+?)_?$/gm)].map((m) => m[1] as string);
        expect(examples.length, help).toBeGreaterThanOrEqual(3);
        for (const q of [...examples, ...everydayQuestions]) {
          const reply = await world.ask(q);
          expect(replyFailure(reply), `"${q}" on ${iso}`).toBeUndefined();
          expect(reply.length, `"${q}" on ${iso}`).toBeGreaterThan(20);
        }
        const won = await world.ask("which deals did we win this week?");
        for (const company of o.profile.deals.closed.slice(0, 2))
          expect(won, `won this week on ${iso}`).toContain(company);
        for (const [q, label] of periodQuestions(now, o.org.timezone)) {
          const reply = await world.ask(q);
          expect(replyFailure(reply), `"${q}" on ${iso}`).toBeUndefined();
          expect(reply, `"${q}" on ${iso}`).toContain(label);
        }
      } finally {
        await world.close();
      }
    });

    it("describes the same close month with the same figures from the 1st to the 10th", () => {
      const byMonth = new Map<string, DayResult[]>();
      for (const r of results) {
        const day = Number(localToday(Date.parse(r.iso), o.org.timezone).slice(8));
        if (day > 10) continue;
        byMonth.set(r.closeMonth, [...(byMonth.get(r.closeMonth) ?? []), r]);
      }
      let compared = 0;
      for (const [month, days] of byMonth) {
        for (const r of days.slice(1)) {
          expect(r.closeCard, `${month}: ${days[0]?.iso} vs ${r.iso}`).toBe(days[0]?.closeCard);
          compared++;
        }
      }
      // 12 months with a 1st, 2nd and 10th each: at least two comparisons per month.
      expect(compared).toBeGreaterThanOrEqual(24);
    });
  });
}
