/**
 * Example questions that fit every organisation (pure data). chains/agent/examples.ts puts
 * names from the organisation's own data in their place when it can read them; these are
 * what people see while a system is unavailable. The first four are the featured ones (help
 * text, Slack suggested prompts); the offline model suggests the first two of each domain.
 */
export const genericExamples = [
  { domain: "jira", title: "Sprint blockers", text: "what's blocking the sprint?" },
  { domain: "crm", title: "My deals today", text: "which deals need me today?" },
  { domain: "crm", title: "Churn risk", text: "which customers might churn?" },
  { domain: "accounting", title: "Month-end close", text: "what's left for the close?" },
  { domain: "jira", title: "Sprint progress", text: "how is the sprint going?" },
  { domain: "accounting", title: "Bills without a PO", text: "show me invoices without a purchase order" },
] as const satisfies readonly { domain: "jira" | "crm" | "accounting"; title: string; text: string }[];
