import type { ToolDomain } from "../../src/core/principal.ts";

/** Words that say which system a question is about (shared by the agent and the offline model). */
export const domainWords: Record<ToolDomain, RegExp> = {
  jira: /\b(sprint|jira|issues?|stor(y|ies)|bugs?|blocker\w*|blocking|blocked|standup|stand-up|epic|backlog|review|tickets?)\b/i,
  crm: /\b(deals?|pipeline|customers?|churn\w*|crm|accounts?|renewals?|prospects?|at risk|health\w*|companies|company)\b/i,
  accounting:
    // "which deals close this month?" is about deals, not the month-end close.
    /\b(invoices?|bills?|(?<!\bdeals?\s)close|month[- ]end|p&l|profit|bank|ledger|books|expenses?|spend\w*|vendors?|purchase orders?|payments?|revenue|wire|refund)\b/i,
};

const issueKey = /\b(?!INV-)[A-Z][A-Z0-9]+-\d+\b/;
const invoiceRef = /\bINV-\d+\b|#\d{3,}\b|\binvoice\s+\d{3,}\b/i;

export function mentionedDomains(text: string): ToolDomain[] {
  const out = (Object.keys(domainWords) as ToolDomain[]).filter((d) => domainWords[d].test(text));
  // "show KR-2231" alone may be an invoice numbered like an issue key: both systems stay in view
  // and the model reads the reference with the organisation's formats (offline-model.ts).
  if (issueKey.test(text) && out.length === 0) out.push("jira", "accounting");
  else if (issueKey.test(text) && !out.includes("jira")) out.push("jira");
  if (invoiceRef.test(text) && !out.includes("accounting")) out.push("accounting");
  return out;
}
