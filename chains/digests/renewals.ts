/**
 * Renewals: contracts renewing in the next 90 days by 30 / 60 / 90-day window, each with ARR,
 * health and owner; at-risk renewals first within each window and offered "Log outreach" (the
 * CRM write goes through approval, as in the churn digest).
 */

import { digestTemplates, digestTitles } from "../../prompts/digests.ts";
import { LOG_OUTREACH_ACTION_ID } from "../../src/core/action-ids.ts";
import type { Card, CardBlock, CardListItem } from "../../src/core/card.ts";
import { localToday } from "../../src/core/period.ts";
import { type Renewal, renewalWindows, upcomingRenewals } from "../../tools/crm/renewals.ts";
import { mainCurrency, totalsByCurrency } from "../../tools/shared/currency.ts";
import { capped, link, money, moneyTotals, s } from "./format.ts";
import { narrative } from "./narrative.ts";
import type { Digest, DigestDeps } from "./types.ts";

const windowTitles = { 30: "**Within 30 days**", 60: "**In 31-60 days**", 90: "**In 61-90 days**" } as const;

export function createRenewalsDigest(deps: DigestDeps): Digest {
  const title = digestTitles.renewals;
  const timeZone = deps.timeZone ?? "UTC";
  return {
    name: "renewals",
    title,
    async run() {
      const now = deps.clock.now();
      const customers = await deps.ports.crm.listCustomers();
      const renewals = upcomingRenewals(customers, now, timeZone, { withinDays: 90 });
      const today = localToday(now, timeZone);
      if (renewals.length === 0)
        return { header: title, blocks: [{ type: "text", text: digestTemplates.renewals.none }, context(today)] };
      const within30 = renewals.filter((r) => r.window === 30);
      const atRisk = renewals.filter((r) => r.risk.level !== "low");
      const summary = await narrative(
        "renewals",
        digestTemplates.renewals.summary,
        {
          count: renewals.length,
          countS: s(renewals.length),
          arr: moneyTotals(
            totalsByCurrency(renewals.map((r) => ({ amount: r.customer.arr, currency: r.customer.currency }))),
            mainCurrency(customers),
          ),
          within30: within30.length,
          atRisk: atRisk.length,
          atRiskArr: moneyTotals(
            totalsByCurrency(atRisk.map((r) => ({ amount: r.customer.arr, currency: r.customer.currency }))),
            mainCurrency(customers),
          ),
        },
        deps.narrate,
        deps.logger,
      );
      return renewalsCard(renewals, summary, today);
    },
  };
}

function context(today: string): CardBlock {
  return {
    type: "context",
    text: `Counted from ${today}: the CRM renewal date, or contract start plus term. Health is 100 minus the churn score.`,
  };
}

function item(r: Renewal): CardListItem {
  const c = r.customer;
  const signals = r.risk.signals.map((x) => x.detail).join("; ");
  return {
    title: link(c.name, c.url),
    text: `Renews ${r.renewalDate} (${r.daysLeft === 0 ? "today" : `${r.daysLeft} day${s(r.daysLeft)}`}). Health ${r.healthScore}/100, ${r.trend}${signals ? `: ${signals}` : ""}.`,
    meta: `${money(c.arr, c.currency)} ARR${c.ownerName ? `, ${c.ownerName}` : ""}`,
    ...(r.risk.level !== "low"
      ? { buttons: [{ actionId: LOG_OUTREACH_ACTION_ID, label: "Log outreach", value: c.id }] }
      : {}),
  };
}

export function renewalsCard(renewals: readonly Renewal[], summary: string, today: string): Card {
  const blocks: CardBlock[] = [{ type: "text", text: summary }];
  for (const w of renewalWindows) {
    // At-risk renewals lead their window: they are the ones a person can still change.
    const inWindow = renewals
      .filter((r) => r.window === w)
      .sort((a, b) => a.healthScore - b.healthScore || a.daysLeft - b.daysLeft);
    if (inWindow.length > 0)
      blocks.push({ type: "list", title: windowTitles[w], items: capped(inWindow.map(item), 8) });
  }
  blocks.push(context(today));
  return { header: digestTitles.renewals, blocks, fallbackText: `${digestTitles.renewals}: ${summary}` };
}
