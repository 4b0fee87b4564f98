/**
 * Sums of money that may be in more than one currency. CRM amounts carry their own ISO 4217
 * code, and a portal with multi-currency deals has no exchange rate daybook could honestly
 * apply, so totals are kept per currency and never added across them.
 */

export interface CurrencyTotal {
  currency: string;
  /** Rounded to cents. */
  amount: number;
  /** How many entries went into it. */
  count: number;
}

/**
 * One total per currency, the currency with the most entries first (on a tie, the one met
 * first), so the organisation's usual currency leads and the order follows the records'.
 */
export function totalsByCurrency(entries: readonly { amount: number; currency: string }[]): CurrencyTotal[] {
  const sums = new Map<string, { amount: number; count: number }>();
  for (const e of entries) {
    const t = sums.get(e.currency) ?? { amount: 0, count: 0 };
    t.amount += e.amount;
    t.count += 1;
    sums.set(e.currency, t);
  }
  return [...sums]
    .map(([currency, t]) => ({ currency, amount: Math.round(t.amount * 100) / 100, count: t.count }))
    .sort((a, b) => b.count - a.count);
}

/**
 * The currency most of these records are in: what an empty total ("0 lost") is stated in.
 * `fallback` only when there are no records at all, when the figure is zero whatever it is in.
 */
export function mainCurrency(records: readonly { currency: string }[], fallback = "USD"): string {
  return totalsByCurrency(records.map((r) => ({ amount: 0, currency: r.currency })))[0]?.currency ?? fallback;
}
