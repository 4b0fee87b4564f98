/**
 * Weekly summary for leadership: what shipped, deals won and lost, customers saved and at
 * risk, and the state of the close. "Saved" compares with last week's high-risk list, kept in
 * the Store by the previous run.
 */

import { digestTemplates, digestTitles } from "../../prompts/digests.ts";
import type { Card, CardBlock, CardListItem } from "../../src/core/card.ts";
import type { ClosedDeal } from "../../src/core/domain/crm.ts";
import type { JiraIssue } from "../../src/core/domain/jira.ts";
import { calendarWeek, localToday, monthLabel, type Period, previousPeriod } from "../../src/core/period.ts";
import { getJson, setJson } from "../../src/core/store.ts";
import { type ChurnRisk, scoreCustomers } from "../../tools/crm/churn-score.ts";
import { mainCurrency, totalsByCurrency } from "../../tools/shared/currency.ts";
import { digestCloseMonth, loadCloseReport } from "./close.ts";
import { capped, day, link, money, moneyTotals, s } from "./format.ts";
import { narrative } from "./narrative.ts";
import type { Digest, DigestDeps } from "./types.ts";

export const WEEKLY_SNAPSHOT_KEY = "digest:weekly:snapshot";
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface WeeklySnapshot {
  at: number;
  highRiskIds: string[];
}

export interface WeeklyFacts {
  shipped: JiraIssue[];
  won: ClosedDeal[];
  lost: ClosedDeal[];
  /** false when the CRM could not list closed deals. */
  dealsKnown: boolean;
  atRisk: ChurnRisk[];
  saved: ChurnRisk[];
  /** Undefined when the books could not be read: the summary then says so instead of a count. */
  closeExceptions: number | undefined;
  closeMonth: string;
  /** The calendar week summarised, e.g. "16 Nov–22 Nov 2026". */
  week: string;
  /** The CRM's usual currency: what an empty won or lost total is stated in. */
  currency: string;
}

async function shippedIn(deps: DigestDeps, week: Period, now: number): Promise<JiraIssue[]> {
  // Jira filters by whole days back from now; the exact week is applied to resolvedAt below.
  const days = Math.ceil((now - week.start) / DAY_MS) + 1;
  const out: JiraIssue[] = [];
  let cursor: string | undefined;
  // Bounded paging: a week of done issues for a small company fits in a few pages.
  for (let page = 0; page < 10; page++) {
    const result = await deps.ports.jira.searchIssues({
      statusCategory: "done",
      updatedWithinDays: days,
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...result.items);
    cursor = result.next;
    if (!cursor) break;
  }
  const seen = new Set<string>();
  return out.filter((i) => {
    if (seen.has(i.key)) return false;
    seen.add(i.key);
    const resolved = i.resolvedAt ? Date.parse(i.resolvedAt) : Number.NaN;
    return resolved >= week.start && resolved < week.end && resolved <= now;
  });
}

/**
 * The calendar week (Monday to Sunday, org timezone) a summary is about: the current one, or
 * on a Monday the week that just ended, so a Monday-morning summary is not about one morning
 * and every week is summarised once.
 */
export function summaryWeek(now: number, timeZone: string): Period {
  const week = calendarWeek(now, timeZone);
  return localToday(now, timeZone) === week.from ? previousPeriod(week, { now, timeZone }) : week;
}

/**
 * Where to ask the CRM from: the earlier of the week's first local midnight and that day at
 * 00:00 UTC, because a CRM keeping close days as dates compares them as UTC midnights.
 */
export function dealWeekStart(week: Period): string {
  return new Date(Math.min(week.start, Date.parse(week.from))).toISOString();
}

/**
 * Won and lost deals closed in the week and by `now` (a future-dated close is not this
 * week's). A close day without a time is a day in the org's calendar; a time is an instant.
 */
export function splitClosed(deals: ClosedDeal[], week: Period, now: number): { won: ClosedDeal[]; lost: ClosedDeal[] } {
  const today = localToday(now, week.timeZone);
  const inWeek = deals.filter((d) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(d.closeDate))
      return d.closeDate >= week.from && d.closeDate <= week.to && d.closeDate <= today;
    const at = Date.parse(d.closeDate);
    return at >= week.start && at < week.end && at <= now;
  });
  return { won: inWeek.filter((d) => d.outcome === "won"), lost: inWeek.filter((d) => d.outcome === "lost") };
}

/** Won or lost amounts per currency, as one phrase ("€42,500", or "€42,500 and $18,000"). */
const total = (deals: ClosedDeal[], currency: string) => moneyTotals(totalsByCurrency(deals), currency);

export function createWeeklyDigest(deps: DigestDeps): Digest {
  const title = digestTitles.weekly;
  return {
    name: "weekly",
    title,
    async run(options = {}) {
      const now = deps.clock.now();
      const timeZone = deps.timeZone ?? "UTC";
      const week = summaryWeek(now, timeZone);
      const shipped = await shippedIn(deps, week, now);
      let won: ClosedDeal[] = [];
      let lost: ClosedDeal[] = [];
      let dealsKnown = true;
      try {
        const closed = await deps.ports.crm.listClosedDeals(dealWeekStart(week));
        ({ won, lost } = splitClosed(closed, week, now));
      } catch (error) {
        dealsKnown = false;
        deps.logger?.warn("weekly digest: closed deals unavailable", { error });
      }
      const customers = await deps.ports.crm.listCustomers();
      const risks = scoreCustomers(customers, now);
      const atRisk = risks.filter((r) => r.level === "high");
      const previous = await getJson<WeeklySnapshot>(deps.store, WEEKLY_SNAPSHOT_KEY);
      const wasHigh = new Set(previous?.highRiskIds ?? []);
      const saved = risks.filter((r) => wasHigh.has(r.customer.id) && r.level !== "high");
      if (!options.preview)
        await setJson(
          deps.store,
          WEEKLY_SNAPSHOT_KEY,
          { at: now, highRiskIds: atRisk.map((r) => r.customer.id) } satisfies WeeklySnapshot,
          {
            ttlMs: 5 * WEEK_MS,
          },
        );
      const month = digestCloseMonth(deps);
      // The close line is one line of this summary; books that cannot be read leave it unsaid.
      const closeExceptions = await loadCloseReport(deps, month).then(
        (report) => report.counts.exceptions,
        (error: unknown) => {
          deps.logger?.warn("weekly digest: close report unavailable", { error });
          return undefined;
        },
      );
      const facts: WeeklyFacts = {
        shipped,
        won,
        lost,
        dealsKnown,
        atRisk,
        saved,
        closeExceptions,
        closeMonth: month,
        week: week.label,
        currency: mainCurrency([...won, ...lost, ...customers]),
      };
      const summary = await narrative(
        "weekly",
        dealsKnown ? digestTemplates.weekly.summary : digestTemplates.weekly.summaryNoDeals,
        {
          shipped: shipped.length,
          shippedS: s(shipped.length),
          won: won.length,
          wonS: s(won.length),
          wonAmount: total(won, facts.currency),
          lost: lost.length,
          lostAmount: total(lost, facts.currency),
          atRisk: atRisk.length,
          atRiskS: s(atRisk.length),
          close:
            closeExceptions === undefined
              ? "the close could not be read from the books"
              : `${closeExceptions} close exception${s(closeExceptions)} open`,
          ...(closeExceptions === undefined ? {} : { closeExceptions }),
        },
        deps.narrate,
        deps.logger,
      );
      return weeklyCard(facts, summary);
    },
  };
}

export function weeklyCard(facts: WeeklyFacts, summary: string): Card {
  const blocks: CardBlock[] = [{ type: "text", text: summary }];
  if (facts.atRisk.length > 0) {
    const items: CardListItem[] = facts.atRisk.map((r) => ({
      title: link(r.customer.name, r.customer.url),
      text: r.signals[0]?.detail ?? "",
      meta: `${money(r.customer.arr, r.customer.currency)} ARR`,
    }));
    blocks.push({ type: "list", title: "**Customers at high risk**", items: capped(items, 5) });
  }
  if (facts.saved.length > 0) {
    blocks.push({
      type: "list",
      title: "**Customers no longer at high risk**",
      items: capped(
        facts.saved.map((r) => ({ title: link(r.customer.name, r.customer.url), meta: `score ${r.score}` })),
        5,
      ),
    });
  }
  const deals = [...facts.won.map((d) => ({ d, tag: "won" })), ...facts.lost.map((d) => ({ d, tag: "lost" }))];
  if (deals.length > 0) {
    blocks.push({
      type: "list",
      title: `**Deals closed: ${facts.won.length} won (${total(facts.won, facts.currency)}), ${facts.lost.length} lost (${total(facts.lost, facts.currency)})**`,
      items: capped(
        deals.map(({ d, tag }) => ({
          title: link(d.name, d.url),
          text: [d.ownerName, `closed ${day(d.closeDate)}`].filter(Boolean).join(", "),
          meta: `${tag}, ${money(d.amount, d.currency)}`,
        })),
        6,
      ),
    });
  } else if (!facts.dealsKnown) {
    blocks.push({ type: "text", text: "Closed deals could not be read from the CRM this week." });
  }
  if (facts.shipped.length > 0) {
    blocks.push({
      type: "list",
      title: "**Shipped**",
      items: capped(
        facts.shipped.map((i) => ({
          title: `${link(i.key, i.url)} ${i.summary}`,
          ...(i.assignee ? { meta: i.assignee } : {}),
        })),
        8,
      ),
    });
  }
  const close =
    facts.closeExceptions === undefined
      ? "could not be read from the books"
      : `${facts.closeExceptions} exception${s(facts.closeExceptions)} open`;
  blocks.push({ type: "context", text: `Week ${facts.week}. Close ${monthLabel(facts.closeMonth)}: ${close}.` });
  return { header: digestTitles.weekly, blocks, fallbackText: `${digestTitles.weekly}: ${summary}` };
}
