import type { CardListItem } from "../../src/core/card.ts";
import type { CurrencyTotal } from "../../tools/shared/currency.ts";

/**
 * "$250,000", "€12.50": cents only when there are cents. The currency is always the record's
 * own (a deal's, an invoice's, the books'), never assumed.
 */
export function money(amount: number, currency: string): string {
  const whole = Math.abs(amount - Math.round(amount)) < 0.005;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: whole ? 0 : 2,
  }).format(amount);
}

/**
 * Totals kept per currency, read as one phrase: "€120,000", or "€120,000 and $30,000" when the
 * records mix currencies (never one sum across them). No records: zero in `fallback`.
 */
export function moneyTotals(totals: readonly CurrencyTotal[], fallback: string): string {
  if (totals.length === 0) return money(0, fallback);
  const parts = totals.map((t) => money(t.amount, t.currency));
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** Whole percent, e.g. 57.9 -> "58". */
export function pct(value: number): string {
  return String(Math.round(value));
}

/** "+18%" / "-20%" */
export function signedPct(value: number): string {
  const r = Math.round(value);
  return `${r > 0 ? "+" : ""}${r}%`;
}

export function signed(value: number): string {
  return `${value > 0 ? "+" : ""}${value}`;
}

/** "s" unless exactly one. */
export function s(n: number): string {
  return n === 1 ? "" : "s";
}

export function link(label: string, url: string | undefined): string {
  return url ? `[${label}](${url})` : label;
}

/** Keeps a card list short enough to read in 30 seconds; the rest is summarised in one row. */
export function capped(items: CardListItem[], max: number): CardListItem[] {
  if (items.length <= max) return items;
  const rest = items.length - max;
  return [...items.slice(0, max), { title: `and ${rest} more` }];
}

const monthNames = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** "2026-11" -> "November 2026" */
export function monthLabel(month: string): string {
  const [y, m] = month.split("-");
  return `${monthNames[Number(m) - 1] ?? m} ${y}`;
}

export function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : "";
}
