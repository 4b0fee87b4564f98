import type { ToolDomain } from "../core/principal.ts";

/**
 * The systems each digest shows data from (chains/digests: standup reads Jira, sales and churn
 * the CRM, close the books, weekly all three: its close section reads the books). A channel a digest posts to must allow
 * all of them (ARCHITECTURE.md, decision 8); org-checks.ts and the scheduler read this.
 */
export const digestDomains = {
  standup: ["jira"],
  sales: ["crm"],
  churn: ["crm"],
  close: ["accounting"],
  weekly: ["jira", "crm", "accounting"],
  renewals: ["crm"],
  retro: ["jira"],
  kickoff: ["jira"],
  checkin: ["jira"],
  // The books (revenue, margin) and the CRM (pipeline, wins, churn, risks).
  qbr: ["crm", "accounting"],
} as const satisfies Record<string, readonly ToolDomain[]>;
