/**
 * Questions whose words name one answer more precisely than tool scoring can (issue 13):
 * "who's been blocked the longest?" is the blockers list narrowed to its oldest entry, "how far
 * along is the sprint?" is the sprint's completion, "any duplicate bills?" is the close's
 * duplicates only. Each intent names the bound tool that answers it (by its catalog name, the
 * same for every organisation), the arguments the words imply, and how the result is narrowed
 * before it is rendered, so the reply shows what was asked and nothing the previous topic left.
 * Narrowing only drops or reorders what the tool returned: every figure stays a tool value.
 */

import { accountingIntents } from "./accounting-intents.ts";
import { crmIntents } from "./crm-intents.ts";
import { callPrepReply, renewalsReply } from "./day-replies.ts";
import { financeIntents } from "./finance-intents.ts";
import type { Intent, IntentTurn, Obj } from "./intent.ts";
import { jiraIntents } from "./jira-intents.ts";

export type { Intent, IntentTurn } from "./intent.ts";

function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter((x): x is Obj => typeof x === "object" && x !== null) : [];
}

function paymentFailed(customer: Obj): boolean {
  return (
    Array.isArray(customer.signals) &&
    customer.signals.some((s) => /\bpayment\b.*\bfail|\bfail\w*\b.*\bpayment/i.test(String(s)))
  );
}

const longestBlocked =
  /\b(blocked|stuck|waiting)\b.*\b(longest|oldest|most days|the most)\b|\b(longest|oldest)[- ](blocked|blocker|stuck)\b/i;
const sprintProgress =
  /\b(how far (along)?|progress|percent(age)?|% done|how much (of the sprint )?is done|completion|complete[d]?)\b/i;
const duplicates = /\b(duplicat\w*|twice|double[- ]?(billed|charged|paid|bills?|invoices?)|billed two times)\b/i;

const renewalWords = /\brenew\w*\b|\bup for renewal\b|\bcontracts? (end|expir)\w*/i;
const callPrep =
  /\b(prep|prepare|brief)\b[^.?!]*\b(call|meeting|chat|conversation|check-?in|qbr)\b|\bcall prep\b|\bbefore (my|the|our) call with\b/i;

/** "closing this week", "close next month", "landing this wk": open deals by expected close date. */
const closingWindow = /\b(clos(e|es|ing)|land(s|ing)?|due to close)\s+(this|next) (month|week|wk)\b/i;
function closingOf(q: string): "this week" | "next week" | "this month" | "next month" {
  const m = closingWindow.exec(q);
  const unit = m?.[5]?.toLowerCase() === "month" ? "month" : "week";
  return `${m?.[4]?.toLowerCase() === "next" ? "next" : "this"} ${unit}`;
}

export const intents: Intent[] = [
  ...jiraIntents,
  ...crmIntents,
  ...financeIntents,
  ...accountingIntents,
  {
    name: "renewals",
    test: (q) => renewalWords.test(q) && !/\b(draft|write|compose|e-?mail|letter|log|prep)\b/i.test(q),
    tool: "crm_renewals",
    args: (q) => {
      if (/\bnext month\b/i.test(q)) return { month: "next_month" };
      if (/\bthis month\b/i.test(q)) return { month: "this_month" };
      const days = /\b(\d{1,3})\s*days?\b/i.exec(q);
      if (days) return { withinDays: Number(days[1]) };
      if (/\b(this|next) quarter\b|\b3 months\b|\bthree months\b/i.test(q)) return { withinDays: 90 };
      if (/\bnext (few )?weeks?\b|\bsoon\b/i.test(q)) return { withinDays: 30 };
      return {};
    },
    finish: (_text, v) => renewalsReply(v),
  },
  {
    name: "call-prep",
    test: (q) => callPrep.test(q),
    tool: "crm_call_prep",
    finish: (_text, v) => callPrepReply(v),
  },
  {
    name: "longest-blocked",
    test: (q) => longestBlocked.test(q),
    tool: "jira_blockers",
    focus: (v) => {
      const blockers = objs(v.blockers);
      const days = (b: Obj) => (typeof b.blockedDays === "number" ? b.blockedDays : -1);
      const top = Math.max(...blockers.map(days));
      // Ties at the longest age are all named; the at-risk list answers another question.
      return { ...v, blockers: blockers.filter((b) => days(b) === top), atRisk: [] };
    },
    finish: (text, v) => {
      const longest = objs(v.blockers);
      if (longest.length === 0) return text;
      const who = longest.map((b) => (typeof b.owner === "string" ? `**${b.owner}**` : "unassigned")).join(" and ");
      const lines = text.split("\n");
      lines[0] = `${who} ${longest.length === 1 ? "has" : "have"} been blocked the longest:`;
      return lines.join("\n");
    },
  },
  {
    name: "sprint-progress",
    test: (q) => /\bsprint\b/i.test(q) && sprintProgress.test(q) && !/\bblock/i.test(q),
    tool: "jira_sprint_status",
    // The completion line (and the goal) only: the blocked and at-risk lists answer other questions.
    finish: (text) => text.split("\n\n")[0] ?? text,
  },
  {
    name: "duplicate-bills",
    test: (q) => duplicates.test(q),
    tool: "accounting_close_exceptions",
    focus: (v) => {
      const dups = objs(v.duplicates);
      const counts = typeof v.counts === "object" && v.counts !== null ? (v.counts as Obj) : {};
      return {
        ...v,
        invoicesWithoutPo: [],
        unmatchedBank: [],
        variances: [],
        counts: { ...counts, exceptions: dups.length },
      };
    },
    finish: (text, v) => {
      const n = objs(v.duplicates).length;
      const lines = text.split("\n");
      const month = /for the (.+) close/.exec(lines[0] ?? "")?.[1] ?? "this";
      lines[0] =
        n === 0
          ? `No bill looks like a duplicate in the ${month} close.`
          : `${n === 1 ? "1 bill looks" : `${n} bills look`} like a duplicate in the ${month} close:`;
      return lines.filter((l) => !/^(These exceptions|Nothing is left)/.test(l)).join("\n");
    },
  },
  {
    name: "pipeline-total",
    test: (q) => /\bpipeline\b/i.test(q) && !/\b(won|lost|closed|win|lose)\b/i.test(q),
    tool: "crm_deals_by_priority",
    // "how much pipeline", "total pipeline": the tool's totals lead; the ranked deals follow.
    finish: (text, v, q) => {
      // Someone else's or the whole team's pipeline is not "your" deals.
      const mine = /\b(my|me|mine|i)\b/i.test(q);
      const lines = (
        mine
          ? text
          : text.replace(/\bNone of your\b/, "None of the").replace(/ need you today/, " need attention today")
      ).split("\n");
      const totals = lines.filter((l) => l.startsWith("Pipeline: "));
      if (totals.length === 0) return text;
      const open =
        typeof v.openDeals === "number" ? ` across ${v.openDeals} open deal${v.openDeals === 1 ? "" : "s"}` : "";
      const lead = totals.map((l, i) => (i === 0 ? `${l.replace(/\.$/, "")}${open}.` : l));
      return [...lead, ...lines.filter((l) => !l.startsWith("Pipeline: "))].join("\n");
    },
  },
  {
    name: "deals-closing",
    // "anything closing next week?" names no deal, yet a week (not the books' month-end close) is the deals'.
    test: (q) =>
      closingWindow.test(q) &&
      (/\bdeals?\b/i.test(q) || (/\b(anything|any|what|whats|what's)\b/i.test(q) && /\b(week|wk)\b/i.test(q))),
    tool: "crm_deals_by_priority",
    args: (q) => ({ closing: closingOf(q).replace(" ", "_"), limit: 25 }),
    // The deals and their close dates; the ranking's "needs you today" wording answers another question.
    finish: (text, v, q) => {
      const deals = objs(v.deals);
      const when = closingOf(q);
      if (deals.length === 0) return `No open deal is expected to close ${when}.`;
      const lines = [
        `${deals.length === 1 ? "1 open deal is" : `${deals.length} open deals are`} expected to close ${when}:`,
      ];
      for (const d of deals)
        lines.push(
          `- ${typeof d.url === "string" ? `[${String(d.name)}](${d.url})` : String(d.name)}, closing ${String(d.closeDate ?? "?")} (${String(d.stage ?? "")}, owner ${String(d.owner ?? "?")})`,
        );
      const pipeline = text.split("\n").filter((l) => l.startsWith("Pipeline: "));
      return [...lines, ...pipeline].join("\n");
    },
  },
  {
    name: "failed-payments",
    // A customer's failed card payment is a churn signal in the CRM, not a bill in the books.
    test: (q) => /\bfailed (card )?payments?\b|\bpayments? (that )?failed\b/i.test(q),
    tool: "crm_account_health",
    focus: (v) => ({ ...v, atRisk: objs(v.atRisk).filter((c) => paymentFailed(c)), more: undefined }),
    finish: (text, v) => {
      const failed = objs(v.atRisk);
      const lines = text.split("\n");
      lines[0] =
        failed.length === 0
          ? "No customer at risk has a failed payment."
          : `${failed.length === 1 ? "1 customer at risk has" : `${failed.length} customers at risk have`} a failed payment:`;
      return (failed.length === 0 ? lines.slice(0, 1) : lines).join("\n");
    },
  },
  {
    name: "bills-by-status",
    test: (q) =>
      /\b(bills?|invoices?)\b/i.test(q) &&
      /\b(overdue|past due|unpaid|not paid|outstanding|awaiting|pending|waiting for approval)\b/i.test(q),
    tool: "accounting_invoices",
  },
  {
    name: "person-working-on",
    test: (q) => /\b(working on|busy with|doing right now|on (his|her|their) plate)\b/i.test(q),
    tool: "jira_search_issues",
    // What someone is working on is their open work, not everything they ever closed.
    args: () => ({ statusCategory: "in_progress" }),
  },
];

/** The intent a question asks, among those whose tool is bound this turn. */
export function intentOf(question: string, boundTools: readonly string[]): Intent | undefined {
  return intents.find((i) => boundTools.includes(i.tool) && i.test(question));
}

/** A successful object result narrowed by the intent; undefined for an error or another shape. */
export function focusResult(intent: Intent, value: unknown, turn?: IntentTurn): Obj | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value) || "error" in value) return undefined;
  return intent.focus ? intent.focus(value as Obj, turn) : (value as Obj);
}
