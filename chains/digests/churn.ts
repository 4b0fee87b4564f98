/**
 * Churn risk: high and medium customers with the signals that drove each score, a suggested
 * action and a "Log outreach" button (the CRM write goes through approval).
 */

import { digestTemplates, digestTitles } from "../../prompts/digests.ts";
import { LOG_OUTREACH_ACTION_ID } from "../../src/core/action-ids.ts";
import type { Card, CardBlock, CardListItem } from "../../src/core/card.ts";
import { type ChurnRisk, churnThresholds, scoreCustomers } from "../../tools/crm/churn-score.ts";
import { mainCurrency, totalsByCurrency } from "../../tools/shared/currency.ts";
import { capped, link, money, moneyTotals, s } from "./format.ts";
import { narrative } from "./narrative.ts";
import type { Digest, DigestDeps } from "./types.ts";

export function createChurnDigest(deps: DigestDeps): Digest {
  const title = digestTitles.churn;
  return {
    name: "churn",
    title,
    async run() {
      const customers = await deps.ports.crm.listCustomers();
      const risks = scoreCustomers(customers, deps.clock.now());
      const high = risks.filter((r) => r.level === "high");
      const medium = risks.filter((r) => r.level === "medium");
      if (high.length + medium.length === 0)
        return { header: title, blocks: [{ type: "text", text: digestTemplates.churn.none }] };
      const summary = await narrative(
        "churn",
        digestTemplates.churn.summary,
        {
          high: high.length,
          highS: s(high.length),
          highArr: moneyTotals(
            totalsByCurrency(high.map((r) => ({ amount: r.customer.arr, currency: r.customer.currency }))),
            mainCurrency(customers),
          ),
          medium: medium.length,
        },
        deps.narrate,
        deps.logger,
      );
      return churnCard(high, medium, summary);
    },
  };
}

function riskItem(r: ChurnRisk): CardListItem {
  return {
    title: link(r.customer.name, r.customer.url),
    text: `${r.signals.map((x) => x.detail).join("; ")}. ${r.suggestedAction}.`,
    meta: `score ${r.score}, ${money(r.customer.arr, r.customer.currency)} ARR${r.customer.ownerName ? `, ${r.customer.ownerName}` : ""}`,
    buttons: [{ actionId: LOG_OUTREACH_ACTION_ID, label: "Log outreach", value: r.customer.id }],
  };
}

export function churnCard(high: ChurnRisk[], medium: ChurnRisk[], summary: string): Card {
  const blocks: CardBlock[] = [{ type: "text", text: summary }];
  if (high.length > 0) blocks.push({ type: "list", title: "**High risk**", items: capped(high.map(riskItem), 8) });
  if (medium.length > 0)
    blocks.push({ type: "list", title: "**Medium risk**", items: capped(medium.map(riskItem), 6) });
  blocks.push({
    type: "context",
    text: `Score 0-100 from usage trend, admin logins, open tickets, failed payments and unused paid features; high >= ${churnThresholds.high}, medium >= ${churnThresholds.medium}.`,
  });
  return { header: digestTitles.churn, blocks, fallbackText: `${digestTitles.churn}: ${summary}` };
}
