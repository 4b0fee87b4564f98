import type { ToolDomain } from "../../src/core/principal.ts";

/** Words that say which system a question is about (shared by the agent and the offline model). */
export const domainWords: Record<ToolDomain, RegExp> = {
  jira: /\b(sprint|jira|issues?|stor(y|ies)|bugs?|blocker\w*|blocking|blocked|standup|stand-up|epic|backlog|(?<!quarterly (?:business )?)review|tickets?)\b/i,
  // "how do we win <deal>?", "what does it take to close <deal>?" are about a deal. A quarterly
  // business review (QBR) reads the CRM and the books.
  crm: /\b(qbr|quarterly (?:business )?review|log(?:ged)? (?:a |the |my )?call|call (?:with|on)|upsold|upsell\w*|deals?|pipeline|customers?|churn\w*|crm|accounts?|renewals?|prospects?|at risk|health\w*|companies|company|failed payments?|support tickets?|how (do|can|could|should|would|to)( we| i)?( still)? (win|close|land)|(take|need) to (win|close|land))\b/i,
  accounting:
    // "which deals close this month?" is about deals, not the month-end close.
    /\b(qbr|quarterly (?:business )?review|invoices?|bills?|(?<!\bdeals?\s)close|month[- ]end|p&l|profit|bank|ledger|books|expenses?|spend\w*|vendors?|purchase orders?|(?<!\bfailed\s)payments?|revenue|wire|refund)\b/i,
};

/**
 * Words two systems share: a deal's close date and the month-end close, a customer's support
 * ticket and a Jira ticket, a failed card payment and a bill payment. In a follow-up they mean
 * what the thread is about ("when does it close?" after a deal is the deal's close date).
 */
const sharedWords = /\b(clos(e|es|ed|ing)|close date|payments?|tickets?|support)\b/i;

const issueKey = /\b(?!INV-)[A-Z][A-Z0-9]+-\d+\b/;
const invoiceRef = /\bINV-\d+\b|#\d{3,}\b|\binvoice\s+\d{3,}\b/i;

export function mentionedDomains(text: string, about?: ToolDomain): ToolDomain[] {
  if (about && sharedWords.test(text)) {
    const rest = mentionedDomains(text.replace(new RegExp(sharedWords.source, "gi"), " "));
    return rest.includes(about) ? rest : [about, ...rest];
  }
  const out = (Object.keys(domainWords) as ToolDomain[]).filter((d) => domainWords[d].test(text));
  // "show KR-2231" alone may be an invoice numbered like an issue key: both systems stay in view
  // and the model reads the reference with the organisation's formats (offline-model.ts).
  if (issueKey.test(text) && out.length === 0) out.push("jira", "accounting");
  else if (issueKey.test(text) && !out.includes("jira")) out.push("jira");
  if (invoiceRef.test(text) && !out.includes("accounting")) out.push("accounting");
  return out;
}
