import { type Authentication, XeroClient, type Invoice as XeroInvoice } from "xero-node";
import type { Clock } from "../../src/core/clock.ts";
import type {
  AccountingPort,
  BankTransaction,
  Invoice,
  InvoiceStatus,
  ProfitAndLoss,
  PurchaseOrder,
} from "../../src/core/domain/accounting.ts";
import { type Listing, type Month, monthRange } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { UpstreamObserver } from "../../src/core/metrics.ts";
import { monthLabel } from "../../src/core/period.ts";
import type { Store } from "../../src/core/store.ts";
import { fromCached, relist, toCached } from "../shared/listing.ts";
import { type CallLimiter, sharedLimiter, xeroLimits } from "../shared/rate-limit.ts";
import { ReadCache } from "../shared/read-cache.ts";
import { classifyHttpError, type RetryPolicy, resilientCall, type UpstreamFailure } from "../shared/resilience.ts";
import {
  assertMonth,
  bankTransactionWhere,
  cleanInvoiceNumber,
  hasAccountRows,
  invoiceWhere,
  isXeroId,
  rejectionTarget,
  toBankTransaction,
  toInvoice,
  toProfitAndLoss,
  toPurchaseOrder,
} from "./normalize-xero.ts";
import { XERO_BANK_CODING_NOTE, xeroBankCoding } from "./xero-bank-coding.ts";
import { xeroFinance } from "./xero-finance.ts";
import { readXeroPages, type XeroPage, xeroPagination } from "./xero-paging.ts";

export interface XeroSettings {
  /** The organisation (XERO_TENANT_ID), sent as the xero-tenant-id header on every call. */
  tenantId: string;
  /** API root, default https://api.xero.com/api.xro/2.0 (XERO_BASE_URL). */
  baseUrl?: string;
  /** Custom connection credentials (XERO_CLIENT_ID / XERO_CLIENT_SECRET): client-credentials grant. */
  clientId?: string;
  clientSecret?: string;
  /** A pre-issued access token (XERO_ACCESS_TOKEN); wins over client credentials. */
  accessToken?: string;
  /** Token endpoint for the client-credentials grant, default Xero's identity server. */
  tokenUrl?: string;
  /**
   * Currency the P&L report is in (Xero reports carry no currency code); default the
   * organisation's base currency from GET /Organisation, USD when that cannot be read.
   */
  currency?: string;
}

export interface XeroDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Counts calls, retries and 429s by system (docs/metrics.md). */
  upstream?: UpstreamObserver;
  policy?: Partial<RetryPolicy>;
  cacheTtlMs?: number;
  /** Injected in tests to record backoff delays instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Default: the process-wide limiter of this tenant (xeroLimits), shared by every port on it. */
  limiter?: CallLimiter;
  /** Tests lower the safety cap to see it reached. */
  maxPages?: number;
}

/**
 * Purchase orders looked up one by one (GET /PurchaseOrders/{PurchaseOrderNumber}) for one close.
 * Xero allows 60 calls a minute per tenant; more missing numbers than this are first searched in
 * one listing of the POs dated in the year before (`PO_LOOKBACK_MONTHS`), then by number up to this cap.
 */
export const MAX_PO_LOOKUPS = 25;
export const PO_LOOKBACK_MONTHS = 12;

const defaultTokenUrl = "https://identity.xero.com/connect/token";
const defaultBaseUrl = "https://api.xero.com/api.xro/2.0";

/**
 * xero-node rejects with JSON.stringify({ response: { statusCode, headers, body } }) instead of
 * an Error; status 0 means the request never got an HTTP answer.
 */
export function classifyXeroError(error: unknown): UpstreamFailure {
  let value = error;
  if (typeof error === "string") {
    try {
      value = JSON.parse(error);
    } catch {
      return {};
    }
  }
  const response = (value as { response?: { statusCode?: unknown; body?: unknown } } | null)?.response;
  if (response && response.statusCode === 0) {
    const message = String(response.body ?? "");
    if (/timeout|aborted|canceled/i.test(message)) return { timedOut: true };
    return { network: true };
  }
  return classifyHttpError(value);
}

/** An AccountingPort over the Xero Accounting API through xero-node. */
export function createXeroPort(settings: XeroSettings, deps: XeroDeps): AccountingPort {
  if (!settings.tenantId) {
    throw new DaybookError("config_invalid", "Xero connector needs XERO_TENANT_ID", {
      userMessage: "Xero is not configured: set XERO_TENANT_ID.",
    });
  }
  if (!settings.accessToken && !(settings.clientId && settings.clientSecret)) {
    throw new DaybookError("config_invalid", "Xero connector needs XERO_CLIENT_ID and XERO_CLIENT_SECRET", {
      userMessage: "Xero is not configured: set XERO_CLIENT_ID and XERO_CLIENT_SECRET (or XERO_ACCESS_TOKEN).",
    });
  }
  const tenant = settings.tenantId;
  const credentialHint = settings.accessToken ? "XERO_ACCESS_TOKEN" : "XERO_CLIENT_ID / XERO_CLIENT_SECRET";
  const logger = deps.logger.child({ connector: "xero" });
  const cache = new ReadCache(deps.store, {
    system: "xero",
    ...(deps.cacheTtlMs !== undefined ? { ttlMs: deps.cacheTtlMs } : {}),
  });
  const policyTimeout = deps.policy?.timeoutMs ?? 10_000;
  // Xero counts calls per tenant per app; the API root is part of the key so a test fake or a
  // regional endpoint is its own account.
  const limiter = deps.limiter ?? sharedLimiter(`xero:${settings.baseUrl ?? defaultBaseUrl}:${tenant}`, xeroLimits);

  const xero = new XeroClient(
    settings.clientId && settings.clientSecret
      ? { clientId: settings.clientId, clientSecret: settings.clientSecret, grantType: "client_credentials" }
      : undefined,
  );
  const api = xero.accountingApi;
  if (settings.baseUrl) api.basePath = settings.baseUrl.replace(/\/+$/, "");
  const requestFixes: Authentication = {
    applyToRequest(options) {
      // xero-node sends `data: {}` on every GET, so axios adds a JSON body and content-type that
      // strict servers answer with 415; a GET has no body.
      if (String(options.method).toUpperCase() === "GET") delete options.data;
      // Lets axios drop a hung socket; resilientCall's own timer decides the user-facing timeout.
      options.timeout = policyTimeout;
    },
  };
  api.setDefaultAuthentication(requestFixes);

  const options = {
    system: "Xero",
    credentialHint,
    logger,
    now: deps.clock.now,
    ...(deps.policy ? { policy: deps.policy } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    limiter,
    ...(deps.upstream ? { upstream: deps.upstream } : {}),
  };

  let token: { value: string; expiresAt: number } | undefined = settings.accessToken
    ? { value: settings.accessToken, expiresAt: Number.POSITIVE_INFINITY }
    : undefined;
  let pendingToken: Promise<string> | undefined;
  /** The token last handed to xero-node (its APIs only have a setter). */
  let applied: string | undefined;

  async function fetchClientCredentialsToken(): Promise<string> {
    const url = settings.tokenUrl ?? defaultTokenUrl;
    const basic = Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString("base64");
    // https://developer.xero.com/documentation/guides/oauth2/custom-connections/#requesting-a-token
    const body = await resilientCall(
      "client-credentials token",
      async (signal) => {
        const res = await fetch(url, {
          method: "POST",
          headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
          body: "grant_type=client_credentials",
          signal,
        });
        if (!res.ok)
          throw Object.assign(new Error(`token endpoint HTTP ${res.status}`), {
            status: res.status,
            headers: res.headers,
          });
        return (await res.json()) as { access_token?: string; expires_in?: number; token_type?: string };
      },
      options,
    );
    if (!body.access_token) {
      throw new DaybookError("upstream_error", "Xero token endpoint returned no access_token", {
        userMessage: `Xero did not issue a token; an administrator needs to check ${credentialHint}.`,
      });
    }
    // Refresh a minute early so a call never starts with a token about to expire (tokens last 30 min).
    const lifetimeMs = Math.max(60_000, (body.expires_in ?? 1800) * 1000 - 60_000);
    token = { value: body.access_token, expiresAt: deps.clock.now() + lifetimeMs };
    return body.access_token;
  }

  async function ensureToken(): Promise<void> {
    if (!token || token.expiresAt <= deps.clock.now()) {
      pendingToken ??= fetchClientCredentialsToken().finally(() => {
        pendingToken = undefined;
      });
      await pendingToken;
    }
    if (!token || applied === token.value) return;
    xero.setTokenSet({ access_token: token.value, token_type: "Bearer" });
    applied = token.value;
  }

  async function call<T>(operation: string, op: () => Promise<T>): Promise<T> {
    await ensureToken();
    try {
      return await resilientCall(operation, () => op(), options, classifyXeroError);
    } catch (error) {
      // A token revoked early (connection removed, secret rotated) answers 401: forget it so the
      // next question fetches a fresh one instead of failing until expiry.
      if (!settings.accessToken && error instanceof DaybookError && error.details?.status === 401) token = undefined;
      throw error;
    }
  }

  /** Every page of a listing (xero-paging.ts), each page one limited, retried call. */
  function pages<T>(
    operation: string,
    what: string,
    fetchPage: (page: number, size: number) => Promise<XeroPage<T>>,
  ): Promise<Listing<T>> {
    return readXeroPages((page, size) => call(operation, () => fetchPage(page, size)), {
      what,
      ...(deps.maxPages !== undefined ? { maxPages: deps.maxPages } : {}),
      onTruncated: (t) => logger.warn("xero listing cut at the page limit", { operation, shown: t.shown }),
    });
  }

  async function accountNames(): Promise<Map<string, string>> {
    const entries = await cache.get("accounts", async () => {
      try {
        const res = await call("list accounts", () => api.getAccounts(tenant));
        return (res.body.accounts ?? []).flatMap((a) =>
          a.code && a.name ? [[a.code, a.name] as [string, string]] : [],
        );
      } catch (error) {
        // Without accounting.settings.read lines keep their account codes; everything else works.
        logger.warn("xero accounts unavailable; showing account codes", { code: (error as DaybookError).code });
        return [];
      }
    });
    return new Map(entries);
  }

  let baseCurrency: Promise<string | undefined> | undefined;
  /**
   * The organisation's base currency; one read per connector (shared by concurrent reports), an
   * organisation does not change it. A failed read is not kept, so the next report asks again.
   */
  async function reportCurrency(): Promise<string> {
    if (settings.currency) return settings.currency;
    baseCurrency ??= (async () => {
      try {
        const res = await call("read organisation", () => api.getOrganisations(tenant));
        const code = res.body.organisations?.[0]?.baseCurrency;
        return code !== undefined && String(code) !== "" ? String(code) : undefined;
      } catch (error) {
        logger.warn("xero organisation unavailable; reporting the P&L in USD", { code: (error as DaybookError).code });
        baseCurrency = undefined;
        return undefined;
      }
    })();
    return (await baseCurrency) ?? "USD";
  }

  async function readInvoice(idOrNumber: string): Promise<XeroInvoice> {
    if (isXeroId(idOrNumber)) {
      const res = await call("read invoice", () => api.getInvoice(tenant, idOrNumber.trim()));
      const found = res.body.invoices?.[0];
      if (found) return found;
    } else {
      const number = cleanInvoiceNumber(idOrNumber);
      const res = await call("find invoice", () =>
        api.getInvoices(tenant, undefined, undefined, undefined, undefined, [number]),
      );
      const found = res.body.invoices?.find((i) => i.invoiceNumber === number) ?? res.body.invoices?.[0];
      if (found) return found;
    }
    throw new DaybookError("not_found", "Xero invoice not found", {
      userMessage: `Xero has no invoice ${idOrNumber.slice(0, 40)}.`,
    });
  }

  async function setStatus(
    invoice: XeroInvoice,
    status: InvoiceStatus,
    idempotencyKey: string,
  ): Promise<InvoiceStatus> {
    const id = invoice.invoiceID ?? "";
    const res = await call(`set invoice ${status.toLowerCase()}`, () =>
      api.updateInvoice(
        tenant,
        id,
        { invoices: [{ invoiceID: id, status: status as unknown as XeroInvoice.StatusEnum }] },
        undefined,
        // Xero replays the first response for a repeated Idempotency-Key, so a retry cannot double-apply
        // (https://developer.xero.com/documentation/guides/idempotent-requests/idempotency).
        idempotencyKey,
      ),
    );
    return (String(res.body.invoices?.[0]?.status ?? status) as InvoiceStatus) || status;
  }

  const coding = xeroBankCoding({ api, tenant, cache, call });
  const finance = xeroFinance({ api, tenant, cache, call, currency: () => reportCurrency() });

  return {
    async listInvoices(query) {
      const where = invoiceWhere(query);
      const statuses = query.status ? [query.status] : undefined;
      const numbers = query.number ? [cleanInvoiceNumber(query.number)] : undefined;
      const key = `invoices:${JSON.stringify([where, statuses, numbers])}`;
      const cached = await cache.get(key, async () => {
        const [raw, names] = await Promise.all([
          pages("list invoices", query.type === "ACCREC" ? "invoices" : "bills", async (page, size) => {
            const res = await api.getInvoices(
              tenant,
              undefined,
              where,
              "Date ASC",
              undefined,
              numbers,
              undefined,
              statuses,
              page,
              false,
              undefined,
              undefined,
              undefined,
              size,
            );
            return { items: res.body.invoices ?? [], ...xeroPagination(res.body) };
          }),
          accountNames(),
        ]);
        return toCached(
          relist(
            raw,
            raw.map((i) => toInvoice(i, names)),
          ),
        );
      });
      return fromCached(cached);
    },

    async getInvoice(idOrNumber) {
      return cache.get(`invoice:${idOrNumber.trim()}`, async () => {
        const [raw, names] = await Promise.all([readInvoice(idOrNumber), accountNames()]);
        return toInvoice(raw, names);
      });
    },

    async listPurchaseOrders(month: Month): Promise<Listing<PurchaseOrder>> {
      assertMonth(month);
      const { from, to } = monthRange(month);
      const cached = await cache.get(`purchase-orders:${month}`, async () => {
        const raw = await pages("list purchase orders", "purchase orders", async (page, size) => {
          const res = await api.getPurchaseOrders(tenant, undefined, undefined, from, to, "Date ASC", page, size);
          return { items: res.body.purchaseOrders ?? [], ...xeroPagination(res.body) };
        });
        return toCached(relist(raw, raw.map(toPurchaseOrder)));
      });
      return fromCached(cached);
    },

    async findPurchaseOrders(numbers: readonly string[]): Promise<PurchaseOrder[]> {
      const wanted = [...new Set(numbers.map((n) => n.trim().toUpperCase()).filter((n) => n !== ""))];
      const found = new Map<string, PurchaseOrder>();
      if (wanted.length > MAX_PO_LOOKUPS) {
        // Too many to ask for one by one within the minute limit: one (paged) listing of the year
        // before finds the usual case, POs raised a month or a quarter ahead of their bills.
        const to = new Date(deps.clock.now());
        const from = new Date(to);
        from.setUTCMonth(from.getUTCMonth() - PO_LOOKBACK_MONTHS, 1);
        const day = (d: Date) => d.toISOString().slice(0, 10);
        const recent = await cache.get(`purchase-orders-since:${day(from)}`, async () => {
          const raw = await pages("list purchase orders", "purchase orders", async (page, size) => {
            const res = await api.getPurchaseOrders(
              tenant,
              undefined,
              undefined,
              day(from),
              day(to),
              "Date ASC",
              page,
              size,
            );
            return { items: res.body.purchaseOrders ?? [], ...xeroPagination(res.body) };
          });
          return toCached(relist(raw, raw.map(toPurchaseOrder)));
        });
        const set = new Set(wanted);
        for (const po of recent.items) if (set.has(po.number.toUpperCase())) found.set(po.number.toUpperCase(), po);
      }
      const missing = wanted.filter((n) => !found.has(n));
      if (missing.length > MAX_PO_LOOKUPS) {
        logger.warn("xero purchase orders not looked up: over the per-close cap", {
          missing: missing.length,
          cap: MAX_PO_LOOKUPS,
        });
      }
      const looked = await Promise.all(
        missing.slice(0, MAX_PO_LOOKUPS).map((number) =>
          cache.get(`purchase-order:${number}`, async () => {
            try {
              const res = await call("read purchase order", () => api.getPurchaseOrderByNumber(tenant, number));
              const raw = res.body.purchaseOrders?.[0];
              return raw ? toPurchaseOrder(raw) : null;
            } catch (error) {
              // Xero answers an unknown number with 404: the bill's PO does not exist.
              if (error instanceof DaybookError && error.code === "not_found") return null;
              throw error;
            }
          }),
        ),
      );
      for (const po of looked) if (po) found.set(po.number.toUpperCase(), po);
      return [...found.values()];
    },

    async listBankTransactions(month: Month): Promise<Listing<BankTransaction>> {
      const where = bankTransactionWhere(month);
      const cached = await cache.get(`bank-transactions:${month}`, async () => {
        const raw = await pages("list bank transactions", "bank lines", async (page, size) => {
          const res = await api.getBankTransactions(tenant, undefined, where, "Date ASC", page, undefined, size);
          return { items: res.body.bankTransactions ?? [], ...xeroPagination(res.body) };
        });
        return toCached(relist(raw, raw.map(toBankTransaction)));
      });
      return fromCached(cached);
    },

    async getProfitAndLoss(month: Month): Promise<ProfitAndLoss> {
      assertMonth(month);
      const { from, to } = monthRange(month);
      return cache.get(`pnl:${month}`, async () => {
        const res = await call("read profit and loss", () => api.getReportProfitAndLoss(tenant, from, to));
        const report = res.body.reports?.[0] ?? {};
        // Xero answers a period before the organisation's first transactions with a report whose
        // sections hold no account rows (it omits accounts without movement), not an error. That
        // is "no figures" to compare with, not a month of zeros: a comparison with it would read
        // as +100 % on every account. Any month with movement has at least one row (see
        // hasAccountRows). Xero's API does not say when the books begin (the conversion date is
        // write-only, CreatedDateUTC often precedes the first entry), and a month without a single
        // entry after that has no figures either, so the report alone decides.
        if (!hasAccountRows(report)) {
          throw new DaybookError("not_found", `Xero P&L for ${month} has no account rows`, {
            userMessage: `Xero has no figures for ${monthLabel(month)}.`,
          });
        }
        // The currency after the report, so a refused token fails the question before any other read.
        return toProfitAndLoss(report, month, await reportCurrency());
      });
    },

    baseCurrency: reportCurrency,

    listAccounts: coding.listAccounts,
    codeBankTransaction: coding.codeBankTransaction,
    bankCodingNote: XERO_BANK_CODING_NOTE,
    getBudget: finance.getBudget,
    getCashSummary: finance.getCashSummary,

    async approveInvoice(id, writeOptions) {
      const note = writeOptions.note;
      const invoice = await readInvoice(id);
      const current = toInvoice(invoice);
      if (current.status === "VOIDED" || current.status === "DELETED") {
        throw new DaybookError("conflict", `Xero invoice is ${current.status}`, {
          userMessage: `Invoice ${current.number} is ${current.status.toLowerCase()} in Xero and cannot be approved.`,
        });
      }
      const already = current.status === "AUTHORISED" || current.status === "PAID";
      const status = already ? current.status : await setStatus(invoice, "AUTHORISED", writeOptions.idempotencyKey);
      if (note) {
        // Xero's History and Notes endpoint keeps the note on the bill for whoever opens it there
        // (https://developer.xero.com/documentation/api/accounting/historyandnotes).
        await call("add invoice history note", () =>
          api.createInvoiceHistory(
            tenant,
            current.id,
            { historyRecords: [{ details: `Approved in daybook: ${note}`.slice(0, 450) }] },
            `${writeOptions.idempotencyKey}:history`,
          ),
        );
      }
      if (!already || note) await cache.invalidate();
      return { id: current.id, status };
    },

    async rejectInvoice(id, reason, writeOptions) {
      const invoice = await readInvoice(id);
      const current = toInvoice(invoice);
      const target = rejectionTarget(current.status, invoice.amountPaid ?? 0);
      if (target.kind === "already") return { id: current.id, status: current.status };
      if (target.kind === "refuse") {
        throw new DaybookError("conflict", `Xero invoice cannot be rejected: ${target.why}`, {
          userMessage: `Invoice ${current.number} cannot be rejected: ${target.why}.`,
        });
      }
      const status =
        target.kind === "update"
          ? await setStatus(invoice, target.status, writeOptions.idempotencyKey)
          : current.status;
      await call("add invoice history note", () =>
        api.createInvoiceHistory(
          tenant,
          current.id,
          { historyRecords: [{ details: `Rejected in daybook: ${reason}`.slice(0, 450) }] },
          // A second request needs its own key: Xero ties a key to one request body.
          `${writeOptions.idempotencyKey}:history`,
        ),
      );
      await cache.invalidate();
      return { id: current.id, status };
    },
  };
}

export type { Invoice };
