/**
 * Budget variance and cash runway questions (issue 16, item 6): the words that name them and
 * the tool that answers; the wording is render/finance.ts, so a reply reads the same whichever
 * way the tool was chosen.
 */
import type { Intent } from "./intent.ts";

const budgetAsked =
  /\b(against|vs\.?|versus|compared? (to|with)|over|under|on|off)\s+(the\s+)?budget\b|\bbudget (variance|vs|versus)\b|\bbudget\b.*\b(how|are we|doing)\b|\bvariance to budget\b/i;
const runwayAsked =
  /\brunway\b|\bburn( rate)?\b|\bmonths of cash\b|\bcash (left|last)\b|\bhow long (will|does) (our|the) cash\b/i;

export const financeIntents: Intent[] = [
  {
    name: "budget-variance",
    test: (q) => budgetAsked.test(q),
    tool: "accounting_budget_variance",
  },
  {
    name: "cash-runway",
    test: (q) => runwayAsked.test(q),
    tool: "accounting_cash_runway",
  },
];
