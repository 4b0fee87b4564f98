/** Normalizing helpers of the close checks: hot paths, so no Date.parse and no locale rules. */

const DAY_MS = 86_400_000;
export const inactive = new Set(["VOIDED", "DELETED", "DRAFT"]);

/** Whole days since the epoch of a "YYYY-MM-DD..." string, without Date.parse (hot path). */
export function dayNumber(date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function cents(amount: number): number {
  return Math.round(amount * 100);
}

export function norm(value: string | undefined): string {
  return value ? value.toLowerCase().replace(/[^a-z0-9]/g, "") : "";
}
