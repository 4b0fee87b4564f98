/** One page of a paged listing; `next` is an opaque cursor (Jira nextPageToken, HubSpot after). */
export interface Page<T> {
  items: T[];
  next?: string;
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
