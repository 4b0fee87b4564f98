/**
 * Close findings cached per month and input version, so the close tool and the close digest
 * do not recompute a month's checks on every question (issue 11). The version is a 64-bit hash
 * over every field the checks read, in order (close-wire.ts lists them), plus the counts: the
 * same records give the same findings, and any change to them (a status, a reconciliation, a
 * new line) gives a new version. The findings are positions, so a hit is assembled against the
 * records just fetched: invoices and lines in the report are always the current objects, and
 * the P&L, variances and `asOf` (month to date) are applied per call, cheaply.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { LRUCache } from "lru-cache";
import type { Month } from "../../src/core/domain/common.ts";
import {
  assembleCloseReport,
  type CheckInput,
  type CloseFindings,
  type CloseInput,
  type CloseOptions,
  type CloseReport,
  duplicateRows,
  type FindingsOptions,
  unmatchedLines,
} from "./close-checks.ts";
import { closeFindings } from "./close-run.ts";
import { type FieldSink, writeBankLine, writeInvoice, writePurchaseOrder } from "./close-wire.ts";

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Two multiplicative 32-bit lanes (cyrb53-style); every string is mixed with its length, so fields cannot run together. */
class Hasher implements FieldSink {
  h1 = 0xdeadbeef;
  h2 = 0x41c6ce57;

  #mix(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 2654435761);
    this.h2 = Math.imul(this.h2 ^ c, 1597334677);
  }
  str(value: string | undefined): void {
    if (value === undefined) {
      this.#mix(0x1fffff);
      return;
    }
    this.#mix(value.length | 0x200000);
    for (let i = 0; i < value.length; i++) this.#mix(value.charCodeAt(i));
  }
  num(value: number): void {
    f64[0] = value;
    this.#mix(u32[0]!);
    this.#mix(u32[1]!);
  }
  flag(value: boolean): void {
    this.#mix(value ? 0x300001 : 0x300000);
  }
  digest(): string {
    let h1 = Math.imul(this.h1 ^ (this.h1 >>> 16), 2246822507);
    h1 ^= Math.imul(this.h2 ^ (this.h2 >>> 13), 3266489909);
    let h2 = Math.imul(this.h2 ^ (this.h2 >>> 16), 2246822507);
    h2 ^= Math.imul(this.h1 ^ (this.h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, "0") + (h1 >>> 0).toString(16).padStart(8, "0");
  }
}

/**
 * A fingerprint of the records the checks read. Linear, about a tenth of the checks' time, and
 * done in slices of `chunkRows` with a yield between them, so a million lines never block the loop.
 */
export async function closeInputVersion(input: CheckInput, chunkRows = 20_000): Promise<string> {
  const h = new Hasher();
  const tables = [
    [input.invoices, writeInvoice],
    [input.purchaseOrders, writePurchaseOrder],
    [input.bankTransactions, writeBankLine],
  ] as const;
  for (const [rows, write] of tables) {
    h.flag(true);
    for (let from = 0; from < rows.length; from += chunkRows) {
      const to = Math.min(rows.length, from + chunkRows);
      for (let i = from; i < to; i++) (write as (s: FieldSink, row: unknown) => void)(h, rows[i]);
      if (to < rows.length) await nextTurn();
    }
  }
  return `${input.invoices.length}.${input.purchaseOrders.length}.${input.bankTransactions.length}.${h.digest()}`;
}

/** A month with a million unmatched lines has a million report rows: built in slices, yielding between. */
async function assembleInSlices(input: CloseInput, found: CloseFindings, opts: CloseOptions): Promise<CloseReport> {
  const slice = 20_000;
  const rows = async <T>(total: number, build: (from: number, to: number) => T[]): Promise<T[]> => {
    if (total <= slice) return build(0, total);
    const out: T[] = [];
    for (let from = 0; from < total; from += slice) {
      for (const row of build(from, Math.min(total, from + slice))) out.push(row);
      await nextTurn();
    }
    return out;
  };
  const unmatched = await rows(found.unmatchedTx.length, (from, to) => unmatchedLines(input, found, from, to));
  const duplicates = await rows(found.duplicateInvoice.length, (from, to) => duplicateRows(input, found, from, to));
  return assembleCloseReport(input, found, opts, unmatched, duplicates);
}

export interface CloseReportCacheOptions {
  /** Months x versions kept. Default 16. */
  max?: number;
  /** A bound on how long a version is trusted. Default 10 minutes. */
  ttlMs?: number;
  /** Computes findings on a miss. Default closeFindings (a worker for large inputs). */
  find?: (input: CheckInput, opts: FindingsOptions) => Promise<CloseFindings>;
}

export class CloseReportCache {
  readonly #lru: LRUCache<string, Promise<CloseFindings>>;
  readonly #find: (input: CheckInput, opts: FindingsOptions) => Promise<CloseFindings>;

  constructor(options: CloseReportCacheOptions = {}) {
    this.#lru = new LRUCache({ max: options.max ?? 16, ttl: options.ttlMs ?? 600_000 });
    this.#find = options.find ?? ((input, opts) => closeFindings(input, opts));
  }

  static key(month: Month, opts: FindingsOptions, version: string): string {
    const o = [opts.duplicateWindowDays ?? 7, opts.matchWindowDays ?? 7, opts.feeMaxAmount ?? 100];
    return `${month}|${o.join(",")}|${version}`;
  }

  /** The close report for `input`; the record checks run once per month, options and input version. */
  async report(input: CloseInput, opts: CloseOptions = {}): Promise<CloseReport> {
    const key = CloseReportCache.key(input.month, opts, await closeInputVersion(input));
    let pending = this.#lru.get(key);
    if (!pending) {
      // The promise is cached, so a question during the digest's run waits for that run.
      pending = this.#find(input, opts);
      this.#lru.set(key, pending);
      pending.catch(() => {
        if (this.#lru.get(key) === pending) this.#lru.delete(key);
      });
    }
    return assembleInSlices(input, await pending, opts);
  }

  clear(): void {
    this.#lru.clear();
  }
}

/** One cache for the process: the close tool and the close digest share it. */
export const closeReports = new CloseReportCache();
