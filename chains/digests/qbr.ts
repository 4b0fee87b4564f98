/**
 * Quarterly business review briefing (issue 16, item 6): the last full quarter's revenue and
 * gross margin against the quarter before and the same quarter last year (the books), the open
 * pipeline, the quarter's wins and losses, churn risk and the largest risks (the CRM). Posted as
 * a digest to leadership, and built from the same figures when someone asks ("QBR briefing",
 * "prep the QBR"): there a person who sees only some of the systems gets only those sections and
 * one line saying what was left out.
 */

import { digestTemplates, digestTitles } from "../../prompts/digests.ts";
import type { Card, CardBlock, CardField } from "../../src/core/card.ts";
import { lastFullQuarter, type Period, previousPeriod, sameQuarterLastYear } from "../../src/core/period.ts";
import { changePct, type QbrFinance, qbrFinance } from "../../tools/accounting/qbr.ts";
import { type QbrCrm, qbrCrm } from "../../tools/crm/qbr.ts";
import { capped, link, money, moneyTotals, s } from "./format.ts";
import { fill, narrative } from "./narrative.ts";
import type { Digest, DigestDeps } from "./types.ts";

export interface QbrPeriods {
  quarter: Period;
  previous: Period;
  yearAgo: Period;
}

export interface QbrFacts {
  quarter: string;
  previous: string;
  yearAgo: string;
  /** Absent: the reader may not see the books (on demand), so the section is left out. */
  finance?: QbrFinance;
  crm?: QbrCrm;
}

/** The quarter a review on `now` is about, and the two it is compared with. */
export function qbrPeriods(now: number, timeZone: string): QbrPeriods {
  const ctx = { now, timeZone };
  const quarter = lastFullQuarter(now, timeZone);
  return { quarter, previous: previousPeriod(quarter, ctx), yearAgo: sameQuarterLastYear(quarter, ctx) };
}

/** One decimal, with its sign: "+12.3%", "-4.0%"; "n/a" with nothing to compare. */
function change(value: number | undefined, unit = "%"): string {
  if (value === undefined) return "n/a";
  return `${value > 0 ? "+" : ""}${value.toFixed(1)}${unit}`;
}

const marginText = (pct: number | undefined) => (pct === undefined ? "n/a" : `${pct.toFixed(1)}%`);

function marginPoints(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : Math.round((a - b) * 10) / 10;
}

/** The finance figures as the summary's placeholders fill them. */
export function financeFacts(f: QbrFinance): Record<string, string> {
  const q = f.quarter;
  return {
    revenue: q.revenue === undefined ? "n/a" : money(q.revenue, f.currency),
    revenueQoq: change(changePct(q.revenue, f.previous.revenue)),
    revenueYoy: change(changePct(q.revenue, f.yearAgo.revenue)),
    margin: marginText(q.grossMarginPct),
    marginQoq: change(marginPoints(q.grossMarginPct, f.previous.grossMarginPct), " pts"),
    marginYoy: change(marginPoints(q.grossMarginPct, f.yearAgo.grossMarginPct), " pts"),
  };
}

export function crmFacts(c: QbrCrm): Record<string, string | number> {
  return {
    pipeline: moneyTotals(c.pipeline, c.currency),
    weighted: moneyTotals(c.weighted, c.currency),
    openDeals: c.openDeals,
    won: c.wonCount,
    wonS: s(c.wonCount),
    wonAmount: moneyTotals(c.won, c.currency),
    lost: c.lostCount,
    lostAmount: moneyTotals(c.lost, c.currency),
    churnRisk: c.churnRisk,
    churnRiskS: s(c.churnRisk),
    churnRiskArr: moneyTotals(c.churnRiskArr, c.currency),
  };
}

function financeBlocks(facts: QbrFacts, f: QbrFinance): CardBlock[] {
  const row = (label: string, q: QbrFinance["quarter"]): CardField => ({
    label: `${label} (${q.label})`,
    value:
      q.revenue === undefined
        ? "no figures in the books"
        : `${money(q.revenue, f.currency)} revenue, ${marginText(q.grossMarginPct)} gross margin`,
  });
  const ff = financeFacts(f);
  const blocks: CardBlock[] = [
    {
      type: "text",
      text: `**Revenue and margin, ${facts.quarter}**: ${ff.revenue} revenue (${ff.revenueQoq} vs ${facts.previous}, ${ff.revenueYoy} vs ${facts.yearAgo}); gross margin ${ff.margin} (${ff.marginQoq} vs ${facts.previous}, ${ff.marginYoy} vs ${facts.yearAgo}).`,
    },
    {
      type: "fields",
      fields: [row("This quarter", f.quarter), row("Last quarter", f.previous), row("A year ago", f.yearAgo)],
    },
  ];
  const missing = [...f.quarter.missing, ...f.previous.missing, ...f.yearAgo.missing];
  if (missing.length > 0)
    blocks.push({
      type: "context",
      text: `The books have no figures for ${missing.join(", ")}; those months count as absent.`,
    });
  return blocks;
}

function crmBlocks(facts: QbrFacts, c: QbrCrm): CardBlock[] {
  const cf = crmFacts(c);
  const blocks: CardBlock[] = [
    {
      type: "text",
      text: `**Pipeline and wins**: ${cf.pipeline} open pipeline across ${c.openDeals} deal${s(c.openDeals)} (${cf.weighted} weighted); ${c.wonCount} deal${s(c.wonCount)} won in ${facts.quarter} (${cf.wonAmount}), ${c.lostCount} lost (${cf.lostAmount}).`,
    },
    {
      type: "text",
      text: `**Churn**: ${c.churnRisk} customer${s(c.churnRisk)} at high churn risk (${cf.churnRiskArr} ARR).`,
    },
  ];
  if (c.topRisks.length > 0)
    blocks.push({
      type: "list",
      title: "**Top risks**",
      items: capped(
        c.topRisks.map((r) => ({
          title: link(r.name, r.url),
          text: r.detail,
          meta: `${money(r.amount, r.currency)}${r.kind === "customer" ? " ARR" : ""}`,
        })),
        5,
      ),
    });
  return blocks;
}

/** What a reader who sees only some systems is told was left out. */
export function leftOutLine(facts: QbrFacts): string | undefined {
  const out = [
    ...(facts.finance ? [] : ["revenue and margin (the books)"]),
    ...(facts.crm ? [] : ["pipeline, wins, churn and risks (the CRM)"]),
  ];
  return out.length > 0 ? `Left out: ${out.join(" and ")}, which your roles do not cover.` : undefined;
}

/** The opening sentence from the figures, without a model (on demand, the offline reply). */
export function qbrDraft(facts: QbrFacts): string {
  const parts: string[] = [];
  if (facts.finance)
    parts.push(fill(digestTemplates.qbr.finance, { quarter: facts.quarter, ...financeFacts(facts.finance) }));
  if (facts.crm) parts.push(fill(digestTemplates.qbr.crm, { quarter: facts.quarter, ...crmFacts(facts.crm) }));
  return parts.join(" ") || digestTemplates.qbr.nothing;
}

export function qbrCard(facts: QbrFacts, summary: string): Card {
  const header = `${digestTitles.qbr}: ${facts.quarter}`;
  const blocks: CardBlock[] = [{ type: "text", text: summary }];
  if (facts.finance) blocks.push({ type: "divider" }, ...financeBlocks(facts, facts.finance));
  if (facts.crm) blocks.push({ type: "divider" }, ...crmBlocks(facts, facts.crm));
  const leftOut = leftOutLine(facts);
  if (leftOut) blocks.push({ type: "context", text: leftOut });
  const costOfSales = facts.finance?.costOfSalesAccounts ?? [];
  blocks.push({
    type: "context",
    text: `${facts.quarter} compared with ${facts.previous} and ${facts.yearAgo}.${
      facts.finance
        ? ` Gross margin is revenue less cost of sales (${costOfSales.length > 0 ? costOfSales.join(", ") : "no cost-of-sales account in the books"}).`
        : ""
    }${facts.crm ? " Pipeline and churn risk are as of today." : ""}`,
  });
  return { header, blocks, fallbackText: `${header}: ${summary}` };
}

/** The review's figures for the systems `domains` lets the reader see (the digest: both). */
export async function loadQbr(
  deps: Pick<DigestDeps, "ports" | "clock" | "timeZone">,
  domains: { accounting: boolean; crm: boolean } = { accounting: true, crm: true },
): Promise<QbrFacts> {
  const now = deps.clock.now();
  const periods = qbrPeriods(now, deps.timeZone ?? "UTC");
  const [finance, crm] = await Promise.all([
    domains.accounting ? qbrFinance(deps.ports.accounting, periods) : undefined,
    domains.crm ? qbrCrm(deps.ports.crm, periods.quarter, now) : undefined,
  ]);
  return {
    quarter: periods.quarter.label,
    previous: periods.previous.label,
    yearAgo: periods.yearAgo.label,
    ...(finance ? { finance } : {}),
    ...(crm ? { crm } : {}),
  };
}

export function createQbrDigest(deps: DigestDeps): Digest {
  return {
    name: "qbr",
    title: digestTitles.qbr,
    async run() {
      const facts = await loadQbr(deps);
      const values: Record<string, string | number> = {
        quarter: facts.quarter,
        ...(facts.finance ? financeFacts(facts.finance) : {}),
        ...(facts.crm ? crmFacts(facts.crm) : {}),
      };
      const summary = await narrative(
        "qbr",
        `${digestTemplates.qbr.finance} ${digestTemplates.qbr.crm}`,
        values,
        deps.narrate,
        deps.logger,
      );
      return qbrCard(facts, summary);
    },
  };
}

type Loose<T> = { [K in keyof T]?: unknown };
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : fallback);

function looseQuarter(v: unknown, label: string): QbrFinance["quarter"] {
  const q = (typeof v === "object" && v !== null ? v : {}) as Loose<QbrFinance["quarter"]>;
  return {
    label: str(q.label, label),
    revenue: num(q.revenue),
    costOfSales: num(q.costOfSales),
    grossMarginPct: num(q.grossMarginPct),
    missing: arr<string>(q.missing),
  };
}

/**
 * The review's facts from what accounting_qbr_finance and crm_qbr_pipeline returned (either may
 * be absent: the asker's roles did not cover it). Tool results drop empty lists and unknown
 * values, so each is read with its default.
 */
export function qbrFactsFromTools(finance: unknown, crm: unknown): QbrFacts | undefined {
  const f = (typeof finance === "object" && finance !== null ? finance : undefined) as
    | Record<string, unknown>
    | undefined;
  const c = (typeof crm === "object" && crm !== null ? crm : undefined) as Record<string, unknown> | undefined;
  const head = f ?? c;
  if (!head) return undefined;
  const facts: QbrFacts = { quarter: str(head.quarter), previous: str(head.previous), yearAgo: str(head.yearAgo) };
  const fin = f?.finance as Loose<QbrFinance> | undefined;
  if (fin)
    facts.finance = {
      currency: str(fin.currency, "USD"),
      quarter: looseQuarter(fin.quarter, facts.quarter),
      previous: looseQuarter(fin.previous, facts.previous),
      yearAgo: looseQuarter(fin.yearAgo, facts.yearAgo),
      costOfSalesAccounts: arr<string>(fin.costOfSalesAccounts),
    };
  const cr = c?.crm as Loose<QbrCrm> | undefined;
  if (cr)
    facts.crm = {
      currency: str(cr.currency, "USD"),
      openDeals: num(cr.openDeals) ?? 0,
      pipeline: arr(cr.pipeline),
      weighted: arr(cr.weighted),
      won: arr(cr.won),
      wonCount: num(cr.wonCount) ?? 0,
      lost: arr(cr.lost),
      lostCount: num(cr.lostCount) ?? 0,
      churnRisk: num(cr.churnRisk) ?? 0,
      churnRiskArr: arr(cr.churnRiskArr),
      topRisks: arr(cr.topRisks),
    };
  return facts;
}

/** The review as a chat reply (Markdown): the card's sections, one line each. */
export function qbrReply(facts: QbrFacts): string {
  const card = qbrCard(facts, qbrDraft(facts));
  const lines = [`**${card.header}**`];
  for (const block of card.blocks) {
    if (block.type === "text" || block.type === "context") lines.push(block.text);
    else if (block.type === "fields") for (const f of block.fields) lines.push(`- ${f.label}: ${f.value}`);
    else if (block.type === "list") {
      if (block.title) lines.push(block.title);
      for (const i of block.items)
        lines.push(`- ${i.title}${i.text ? `: ${i.text}` : ""}${i.meta ? ` (${i.meta})` : ""}`);
    }
  }
  return lines.join("\n");
}
