/** One page of a paged listing; `next` is an opaque cursor (Jira nextPageToken, HubSpot after). */
export interface Page<T> {
  items: T[];
  next?: string;
}

/**
 * Set on a listing a connector stopped reading at its safety cap: the items are the first
 * `shown` of more. A reader that reports a count says the result is partial (`partialNote`).
 */
export interface Truncation {
  /** Items returned: the cap that was reached. */
  shown: number;
  /** What the items are, plural, for the sentence: "bank lines". */
  what: string;
  /** How many there are in all, when the vendor says (Xero's pagination.itemCount). */
  total?: number;
}

/** A full listing, or one cut at a safety cap (then `truncated` says so; it survives no copy). */
export type Listing<T> = T[] & { readonly truncated?: Truncation };

/** Marks `items` as cut at a cap; not enumerable, so equality and JSON see a plain array. */
export function truncatedListing<T>(items: T[], truncation: Truncation): Listing<T> {
  Object.defineProperty(items, "truncated", { value: truncation, enumerable: false, configurable: true });
  return items as Listing<T>;
}

/** The truncation of a listing a port returned, if it was cut. */
export function truncationOf(items: readonly unknown[]): Truncation | undefined {
  return (items as { truncated?: Truncation }).truncated;
}

/** "partial: showing the first 300,000 of more than 300,000 bank lines": what a cut count says. */
export function partialNote(truncation: Truncation): string {
  const n = truncation.shown.toLocaleString("en-US");
  const of =
    truncation.total !== undefined && truncation.total > truncation.shown
      ? truncation.total.toLocaleString("en-US")
      : `more than ${n}`;
  return `partial: showing the first ${n} of ${of} ${truncation.what}`;
}

/** The partial notes of whichever listings were cut, for a tool result's `partial` or a digest's footer. */
export function partialNotes(...lists: readonly (readonly unknown[])[]): string[] {
  return lists.flatMap((list) => {
    const cut = truncationOf(list);
    return cut ? [partialNote(cut)] : [];
  });
}

/** Options every write takes: the approval id, used as the idempotency key where the API supports one. */
export interface WriteOptions {
  idempotencyKey: string;
}

/** A calendar month "YYYY-MM"; periods in accounting and digests are months. */
export type Month = string;

export function monthOf(epochMs: number): Month {
  return new Date(epochMs).toISOString().slice(0, 7);
}

export function previousMonth(month: Month): Month {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 2, 1));
  return d.toISOString().slice(0, 7);
}

/** First and last day (inclusive, YYYY-MM-DD) of a month. */
export function monthRange(month: Month): { from: string; to: string } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}
