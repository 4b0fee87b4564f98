/**
 * Example questions the offline model suggests when it cannot answer, per tool domain
 * (pure data; the same questions README and `help` use).
 */
export const offlineExamples: Record<"jira" | "crm" | "accounting", string[]> = {
  jira: ["what's blocking the sprint?", "how is the sprint going?"],
  crm: ["which deals need me today?", "why is BrightTech at risk?"],
  accounting: ["what's left for the November close?", "show me invoices without a purchase order"],
};
