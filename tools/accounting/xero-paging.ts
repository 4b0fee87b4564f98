import { type Listing, type Truncation, truncatedListing } from "../../src/core/domain/common.ts";

/**
 * Xero's largest page: Invoices, BankTransactions and PurchaseOrders (and the other paged
 * endpoints) take `pageSize` up to 1000
 * (https://developer.xero.com/documentation/api/accounting/invoices#optional-parameters-for-get-invoices).
 */
export const xeroPageSize = 1000;

/**
 * Safety stop per listing: 300 pages = 300,000 records, more than twice the largest month seen
 * (125k bank lines). Reaching it is never silent: the listing is marked truncated.
 */
export const xeroMaxPages = 300;

/** One page as Xero answers it; `pagination` is sent when `page` is (Xero's 2024 paging metadata). */
export interface XeroPage<T> {
  items: T[];
  pagination?: { pageCount?: number; itemCount?: number };
}

export interface PagingOptions {
  /** Plural name of the records, for the partial note: "bank lines". */
  what: string;
  pageSize?: number;
  maxPages?: number;
  /** Called once when the cap cuts the listing (a log line). */
  onTruncated?: (truncation: Truncation) => void;
}

/**
 * Every page of a Xero listing in the fewest calls: page 1 says how many pages there are
 * (pagination.pageCount), so the rest are requested together and the account's limiter decides
 * how many run at once. Without that metadata pages are read one by one until a short page.
 * The result is in page order.
 */
export async function readXeroPages<T>(
  fetchPage: (page: number, pageSize: number) => Promise<XeroPage<T>>,
  options: PagingOptions,
): Promise<Listing<T>> {
  const pageSize = options.pageSize ?? xeroPageSize;
  const maxPages = options.maxPages ?? xeroMaxPages;
  const first = await fetchPage(1, pageSize);
  const out: T[] = [...first.items];
  const pageCount = first.pagination?.pageCount;
  let more: boolean;
  if (pageCount !== undefined && Number.isInteger(pageCount)) {
    const last = Math.min(pageCount, maxPages);
    const rest = await Promise.all(Array.from({ length: Math.max(0, last - 1) }, (_, i) => fetchPage(i + 2, pageSize)));
    for (const page of rest) out.push(...page.items);
    more = pageCount > maxPages;
  } else {
    let items = first.items;
    let page = 1;
    while (items.length >= pageSize && page < maxPages) {
      page++;
      items = (await fetchPage(page, pageSize)).items;
      out.push(...items);
    }
    more = items.length >= pageSize && page >= maxPages;
  }
  if (!more) return out;
  const itemCount = first.pagination?.itemCount;
  const truncation: Truncation = {
    shown: out.length,
    what: options.what,
    ...(itemCount !== undefined && itemCount > out.length ? { total: itemCount } : {}),
  };
  options.onTruncated?.(truncation);
  return truncatedListing(out, truncation);
}

/** Xero's paging metadata from a listing response body, when it sent one. */
export function xeroPagination(body: {
  pagination?: { pageCount?: number; itemCount?: number };
}): Pick<XeroPage<never>, "pagination"> {
  const p = body.pagination;
  if (p?.pageCount === undefined) return {};
  return { pagination: { pageCount: p.pageCount, ...(p.itemCount !== undefined ? { itemCount: p.itemCount } : {}) } };
}
