/**
 * Budget variance and cash runway results in chat (issue 16, item 6). Every figure is a value
 * the tool returned (tools/accounting/finance-tools.ts), shown as money or a percent; nothing
 * is computed here.
 */
import type { ShapeRenderer } from "./shape.ts";
import { money, objs } from "./text.ts";
import type { Obj } from "./types.ts";

function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null ? (v as Obj) : {};
}

function signedMoney(amount: unknown, currency: unknown): string {
  if (typeof amount !== "number") return "?";
  return `${amount > 0 ? "+" : amount < 0 ? "-" : ""}${money(Math.abs(amount), currency)}`;
}

function signedPct(p: unknown): string {
  return typeof p === "number" ? `, ${p > 0 ? "+" : ""}${p}%` : "";
}

export function budgetReply(v: Obj): string {
  if (typeof v.error === "string") return v.error;
  const c = v.currency;
  const t = obj(v.budgetTotals);
  const line = (label: string, x: Obj) =>
    `- ${label}: ${money(x.actual, c)} vs ${money(x.budget, c)} budget (${signedMoney(x.variance, c)})`;
  const mtd = obj(v.monthToDate);
  const proRata = typeof mtd.day === "number" ? `, month to date (day ${mtd.day} of ${mtd.days}, budget pro rata)` : "";
  const net = obj(t.netProfit);
  const lead =
    typeof net.variance === "number" && net.variance >= 0
      ? `**${v.budgetMonth}** is ahead of budget${proRata}: net profit ${signedMoney(net.variance, c)} against plan.`
      : `**${v.budgetMonth}** is behind budget${proRata}: net profit ${signedMoney(net.variance, c)} against plan.`;
  const lines = [lead, line("Income", obj(t.income)), line("Expenses", obj(t.expenses)), line("Net profit", net)];
  const top = objs(v.largestVariances);
  if (top.length > 0) {
    lines.push("", "Furthest off budget:");
    for (const l of top) {
      const note = l.unfavourable === true ? (l.kind === "expenses" ? "over" : "short") : "better";
      lines.push(
        `- ${l.account}: ${money(l.actual, c)} vs ${money(l.budget, c)} (${signedMoney(l.variance, c)}${signedPct(l.variancePct)}) ${note}`,
      );
    }
  }
  return lines.join("\n");
}

export function runwayReply(v: Obj): string {
  if (typeof v.error === "string") return v.error;
  const c = v.currency;
  const months = objs(v.monthsAveraged);
  const span = months.length > 0 ? `${months[0]!.month} to ${months.at(-1)!.month}` : "the last months";
  const perMonth = months
    .map((m) =>
      typeof m.netBurn === "number" && m.netBurn < 0
        ? `- ${m.month}: cash grew ${money(-m.netBurn, c)}`
        : `- ${m.month}: burned ${money(m.netBurn, c)}`,
    )
    .join("\n");
  if (v.burning === true && typeof v.runwayMonths === "number") {
    return [
      `About **${v.runwayMonths} months** of runway: ${money(v.cashBalance, c)} in the bank at the end of ${v.cashAsOf}, burning ${money(v.averageNetBurn, c)} a month on average (${span}).`,
      perMonth,
    ].join("\n");
  }
  return [
    `Not burning cash: ${money(v.cashBalance, c)} in the bank at the end of ${v.cashAsOf}, and cash grew ${money(Math.abs(Number(v.averageNetBurn)), c)} a month on average (${span}), so there is no runway limit at this rate.`,
    perMonth,
  ].join("\n");
}

export const financeRenderers: readonly ShapeRenderer[] = [
  {
    shape: "budget variance",
    matches: (v) => typeof v.budgetTotals === "object" && v.budgetTotals !== null && typeof v.budgetMonth === "string",
    render: (v) => budgetReply(v),
  },
  {
    shape: "cash runway",
    matches: (v) => typeof v.cashBalance === "number" && Array.isArray(v.monthsAveraged),
    render: (v) => runwayReply(v),
  },
];
