/**
 * CRM questions whose words name one answer (issue 13, item 4): the biggest open deals ("my
 * biggest deal", "and the second biggest?"), deals over an amount, and what was won or lost
 * in a period ("in the last 30 days", "this month"). Each sets the bound tool's own filters
 * and narrows its result; every figure is one the tool returned.
 */
import { localToday } from "../../../src/core/period.ts";
import { amountIn } from "./filters.ts";
import type { Intent, IntentTurn, Obj } from "./intent.ts";
import { ownerPipelineIntent } from "./owner-pipeline.ts";

function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter((x): x is Obj => typeof x === "object" && x !== null) : [];
}

function money(amount: unknown, currency: unknown): string {
  if (typeof amount !== "number") return String(amount ?? "?");
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: typeof currency === "string" ? currency : "USD",
      maximumFractionDigits: Number.isInteger(amount) ? 0 : 2,
    }).format(amount);
  } catch {
    return `${amount.toLocaleString("en-US")} ${String(currency ?? "")}`.trim();
  }
}

function dealLine(d: Obj): string {
  const name = typeof d.url === "string" ? `[${String(d.name)}](${d.url})` : String(d.name);
  const facts = [
    money(d.amount, d.currency),
    typeof d.stage === "string" ? d.stage : undefined,
    typeof d.closeDate === "string" ? `closing ${d.closeDate.slice(0, 10)}` : undefined,
    typeof d.owner === "string" ? `owner ${d.owner}` : undefined,
  ].filter(Boolean);
  return `- ${name}: ${facts.join(", ")}`;
}

const ordinalWords: [RegExp, number][] = [
  [/\b(second|2nd)\b/i, 1],
  [/\b(third|3rd)\b/i, 2],
  [/\b(fourth|4th)\b/i, 3],
  [/\b(fifth|5th)\b/i, 4],
];
const nth = (q: string) => ordinalWords.find(([re]) => re.test(q))?.[1] ?? 0;
const ordinalName = ["biggest", "second biggest", "third biggest", "fourth biggest", "fifth biggest"];

const biggest = /\b(biggest|largest|highest[- ]value|most valuable)\b/i;
const notDeals =
  /\b(invoices?|bills?|expenses?|transactions?|lines?|payments?|customers?|accounts?|risk|blocker\w*)\b/i;
const over = /\b(over|above|more than|bigger than|larger than|at least|greater than)\s*[$€£]?\s?\d/i;
const won = /\b(win|won|wins|closed[- ]won|land(ed)?)\b/i;
const lost = /\b(lose|lost|losses|closed[- ]lost)\b/i;
/** "how do we win <deal>?", "what does it take to close <deal>": what the deal needs next. */
export const howToWin =
  /\b(how (do|can|could|should|would|will|to|'?d)( (we|i|you))?( still)?|wh?at (does it|will it|would it|do (we|i)) (take|need)( to)?|wh?at('?s| is) (it|needed|left) to) (win|close|land|seal|clinch|get|save)\b/i;

/**
 * The previous list's filters (owner, close month, amount), for "and the biggest one?" after
 * "which deals close next month?" or "what's my biggest deal?"; a question naming its own scope
 * ("our", "all") starts from the whole pipeline.
 */
function carriedFilters(q: string, turn: IntentTurn | undefined): Record<string, unknown> {
  const prev = turn?.previous;
  if (prev?.tool !== "crm_deals_by_priority" || /\b(my|mine|our|team|everyone|all)\b/i.test(q)) return {};
  const out: Record<string, unknown> = {};
  for (const k of ["ownerId", "closing", "minAmount"]) if (prev.args[k] !== undefined) out[k] = prev.args[k];
  return out;
}

/** The look-back a question names, in days ("last 30 days", "this month", "this quarter"). */
function daysIn(q: string, turn: IntentTurn | undefined): number | undefined {
  const n = /\b(?:last|past)\s+(\d{1,3})\s*days?\b/i.exec(q) ?? /\b(\d{1,3})\s*days?\b/i.exec(q);
  if (n) return Number(n[1]);
  // "this month" and "this quarter" reach back to their first day, not a fixed 30 or 90 days.
  const today = turn?.now === undefined ? undefined : localToday(turn.now, turn.timeZone ?? "UTC");
  // The tool counts whole days back from today's 00:00 UTC: the 23rd reaches the 1st with 22.
  if (today && /\bthis month\b/i.test(q)) return Math.max(1, Number(today.slice(8, 10)) - 1);
  if (today && /\bthis quarter\b/i.test(q)) {
    const m = Number(today.slice(5, 7));
    const start = Date.UTC(Number(today.slice(0, 4)), m - 1 - ((m - 1) % 3), 1);
    return Math.max(1, Math.floor((Date.parse(today) - start) / 86_400_000));
  }
  if (/\b(last|past) month\b|\b30 days\b/i.test(q)) return 30;
  if (/\b(last|past) quarter\b|\b90 days\b/i.test(q)) return 90;
  if (/\b(this|last|past) week\b/i.test(q)) return 7;
  if (/\b(this|last|past) year\b|\bytd\b/i.test(q)) return 365;
  // "and what did we lose?" after a period keeps it.
  const prev = turn?.previous;
  return prev?.tool === "crm_closed_deals" && typeof prev.args.days === "number" ? prev.args.days : undefined;
}

export const crmIntents: Intent[] = [
  ownerPipelineIntent,
  {
    name: "how-to-win",
    // Asks for the named deal's next step (its detail carries it), not the deals already won.
    test: (q) => howToWin.test(q),
    tool: "crm_deal_detail",
    aboutRecord: true,
  },
  {
    name: "arr-at-risk",
    // "how much ARR is at risk?" is the churn list's at-risk ARR, not the renewals calendar.
    test: (q) => /\bat[- ]risk\b/i.test(q) && /\b(arr|revenue|how much|money)\b/i.test(q) && !/\brenew\w*/i.test(q),
    tool: "crm_account_health",
  },
  {
    name: "deals-over",
    test: (q) => /\bdeals?\b/i.test(q) && over.test(q) && !won.test(q) && !lost.test(q),
    tool: "crm_deals_by_priority",
    args: (q) => {
      const min = amountIn(q) ?? Number(/\d[\d,]*/.exec(q.replace(/(\d),(\d)/g, "$1$2"))?.[0]);
      return Number.isFinite(min) ? { minAmount: min, sort: "amount", limit: 25 } : {};
    },
    finish: (text, v) => {
      const deals = objs(v.deals);
      if (deals.length === 0) return "No open deals are that big.";
      const more = typeof v.more === "number" ? ` (and ${v.more} more)` : "";
      return (
        [
          `${deals.length === 1 ? "1 open deal" : `${deals.length} open deals`}${more}, biggest first:`,
          ...deals.map(dealLine),
        ].join("\n") || text
      );
    },
  },
  {
    name: "biggest-deals",
    test: (q) => biggest.test(q) && !notDeals.test(q) && !won.test(q) && !lost.test(q),
    tool: "crm_deals_by_priority",
    args: (q, turn) => ({ sort: "amount", limit: 5, ...carriedFilters(q, turn) }),
    focus: (v, turn) => {
      const n = nth(turn?.question ?? "");
      const deal = objs(v.deals)[n];
      return { ...v, deals: deal ? [deal] : [], more: undefined };
    },
    refersToNarrowed: true,
    finish: (_text, v, q) => {
      const deal = objs(v.deals)[0];
      const which = ordinalName[nth(q)] ?? "biggest";
      return deal ? `The ${which} open deal:\n${dealLine(deal)}` : `There is no ${which} open deal.`;
    },
  },
  {
    name: "won-or-lost",
    // "what did we win?", "deals lost this month"; "how do we win <company>?" is no list of closed deals.
    test: (q) =>
      (won.test(q) || lost.test(q)) &&
      !/\b(pipeline|invoices?|bills?|revenue|profit)\b/i.test(q) &&
      !/\bhow (do|can|could|should|would) (we|i)\b/i.test(q),
    tool: "crm_closed_deals",
    args: (q, turn) => {
      const days = daysIn(q, turn);
      const outcome = won.test(q) && !lost.test(q) ? "won" : lost.test(q) && !won.test(q) ? "lost" : undefined;
      return { ...(outcome ? { outcome } : {}), ...(days ? { days } : {}), limit: 25 };
    },
  },
];
