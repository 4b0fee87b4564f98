/**
 * The demo books over a rolling window: twenty-four whole months before the current one plus the
 * current month to date, so "October", "last quarter", "YTD" and year-on-year questions have
 * figures on any date. One month, the month being closed on `now` (the previous month during a
 * month's first ten days, else the current one), carries the named close exceptions (see
 * close-month.ts); every other month is clean: each bill has its purchase order and every bank
 * line is reconciled.
 *
 * A whole month's books depend only on the seed and the month, never on today, so the close
 * digest on the 1st and on the 10th describe the same November. The scenario month's rows are
 * built for volume (benchmarks ask for 1,000,000 bank lines); other months keep the default
 * size whatever the scale, so history never multiplies a benchmark's memory.
 */
import type { BankTransaction, Invoice, ProfitAndLoss, PurchaseOrder } from "../../src/core/domain/accounting.ts";
import { type Month, monthRange, previousMonth } from "../../src/core/domain/common.ts";
import { closeMonth, localToday } from "../../src/core/period.ts";
import { makePnl, slotCents, vendorCents } from "./amounts.ts";
import { billPayment, cardSpend, receipt } from "./bank-lines.ts";
import { bill } from "./bills.ts";
import { closeMonthBooks } from "./close-month.ts";
import type { DemoProfile, DemoVendor } from "./profile.ts";
import { between, hash32, mulberry32 } from "./random.ts";

export interface DemoAccounting {
  /** The month being closed on `now`: it holds #4729, #4801 and the three unmatched bank lines. */
  month: Month;
  previousMonth: Month;
  /** Today's month (the same as `month` from the 11th on). */
  currentMonth: Month;
  /** Every month the books cover, oldest first, ending with `currentMonth`. */
  months: Month[];
  /** Bills (ACCPAY) of every month, oldest month first. */
  invoices: Invoice[];
  purchaseOrders: PurchaseOrder[];
  /** The statement of `month` (the close month). */
  bankTransactions: BankTransaction[];
  /** Each month's statement, `month` included. */
  bank: Record<Month, BankTransaction[]>;
  /** Profit & Loss for every month in `months`. */
  pnl: Record<Month, ProfitAndLoss>;
}

export interface AccountingOptions {
  now: number;
  seed: number;
  /** Multiplies the close month's default volumes. */
  scale: number;
  /** Exact bills in the close month (benchmarks); default 250 x scale for a whole month, pro rata for one in progress. */
  bills?: number;
  /** Exact bank lines in the close month; default 1,250 x scale, pro rata like `bills`. */
  bankTransactions?: number;
  /** Customer names for receipts; any non-empty list. */
  customerNames: string[];
  profile: DemoProfile;
}

/**
 * Whole months kept before the current one: two years, so "year to date" on December 31 still
 * compares with the whole year before, and "March last year" has a month before it.
 */
export const HISTORY_MONTHS = 24;
const HISTORY_BILLS = 250;
const HISTORY_BANK_LINES = 1250;

/** The books' close month: during the first ten days of a month, the month that just ended. */
export const demoCloseMonth = closeMonth;

function datesOf(month: Month, lastDay?: number): string[] {
  const { to } = monthRange(month);
  const last = Math.min(lastDay ?? 31, Number(to.slice(8)));
  const dates: string[] = [];
  for (let d = 1; d <= last; d++) dates.push(`${month}-${String(d).padStart(2, "0")}`);
  return dates;
}

export function generateAccounting(options: AccountingOptions): DemoAccounting {
  const { profile } = options;
  const localDay = localToday(options.now, profile.timeZone);
  const today = { month: localDay.slice(0, 7), day: Number(localDay.slice(8, 10)) };
  const current = today.month;
  const month = closeMonth(options.now, profile.timeZone);
  const months: Month[] = [current];
  for (let i = 0; i < HISTORY_MONTHS; i++) months.unshift(previousMonth(months[0]!));

  const invoices: Invoice[] = [];
  const purchaseOrders: PurchaseOrder[] = [];
  const bank: Record<Month, BankTransaction[]> = {};
  const pnl: Record<Month, ProfitAndLoss> = {};
  for (const [index, m] of months.entries()) {
    const partial = m === current ? today.day : undefined;
    if (m === month) {
      const dates = datesOf(month, partial);
      const fraction = dates.length / Number(monthRange(month).to.slice(8));
      const books = closeMonthBooks({
        month,
        dates,
        fraction,
        seed: options.seed,
        // A month in progress has its share of a month's bills so far, so it compares with a whole one.
        bills: options.bills ?? Math.max(12, Math.round(250 * options.scale * fraction)),
        bankTransactions: options.bankTransactions ?? Math.max(24, Math.round(1250 * options.scale * fraction)),
        customerNames: options.customerNames,
        profile,
        ...(pnl[previousMonth(m)] ? { previousBooks: pnl[previousMonth(m)] } : {}),
      });
      invoices.push(...books.invoices);
      purchaseOrders.push(...books.purchaseOrders);
      bank[m] = books.bankTransactions;
      pnl[m] = books.pnl;
      pnl[previousMonth(m)] = books.previousPnl;
      continue;
    }
    const books = plainMonthBooks({
      month: m,
      dates: datesOf(m, partial),
      seed: options.seed,
      monthsAgo: months.length - 1 - index,
      customerNames: options.customerNames,
      profile,
    });
    invoices.push(...books.invoices);
    purchaseOrders.push(...books.purchaseOrders);
    bank[m] = books.bankTransactions;
    pnl[m] = books.pnl;
  }
  return {
    month,
    previousMonth: previousMonth(month),
    currentMonth: current,
    months,
    invoices,
    purchaseOrders,
    bankTransactions: bank[month] ?? [],
    bank,
    pnl,
  };
}

interface PlainMonthOptions {
  month: Month;
  /** The month's days with books (all of them, or up to today). */
  dates: string[];
  seed: number;
  /** 0 for the current month; bills older than last month are all paid. */
  monthsAgo: number;
  customerNames: string[];
  profile: DemoProfile;
}

interface MonthBooks {
  invoices: Invoice[];
  purchaseOrders: PurchaseOrder[];
  bankTransactions: BankTransaction[];
  pnl: ProfitAndLoss;
}

/**
 * A clean month: every bill has a purchase order dated a few days before it, every paid bill and
 * every receipt is on the statement and reconciled. Revenue grows about 1.5 % a month, so a year
 * ago is visibly smaller than today.
 */
function plainMonthBooks(o: PlainMonthOptions): MonthBooks {
  const { profile, dates, month } = o;
  const rand = mulberry32(o.seed ^ hash32(`books:${month}`));
  const fraction = dates.length / Number(monthRange(month).to.slice(8));
  const billCount = Math.max(dates.length > 0 ? 1 : 0, Math.round(HISTORY_BILLS * fraction));
  const lineCount = Math.round(HISTORY_BANK_LINES * fraction);
  // Growth by calendar month, not by distance from today, so a month's figures never change later.
  const [year, mon] = month.split("-").map(Number) as [number, number];
  const growth = 1.015 ** ((year - 2026) * 12 + mon - 12);
  const yymm = month.slice(2).replace("-", "");
  const invoices: Invoice[] = [];
  const purchaseOrders: PurchaseOrder[] = [];
  const bank: BankTransaction[] = [];
  const expenseCents = new Map<string, number>();
  const addExpense = (account: string, cents: number) =>
    expenseCents.set(account, (expenseCents.get(account) ?? 0) + cents);
  const billed = new Set<string>();
  if (dates.length === 0) return { invoices, purchaseOrders, bankTransactions: bank, pnl: emptyPnl(month, profile) };

  for (let i = 0; i < billCount; i++) {
    const vendor: DemoVendor = profile.vendors[i % profile.vendors.length]!;
    let cents = vendorCents(o.seed, month, vendor, Math.floor(i / profile.vendors.length));
    // One bill per vendor and amount in a month: nothing here looks like a duplicate.
    while (billed.has(`${vendor.id}:${cents}`)) cents += 1;
    billed.add(`${vendor.id}:${cents}`);
    const dayIndex = Math.floor(rand() * dates.length);
    const date = dates[dayIndex]!;
    // Numbered by calendar month ("2608017" is August 2026's 17th bill), so a month's bill
    // numbers never change as the window moves; the close month keeps its own 4600 series.
    const number = `${yymm}${String(i + 1).padStart(3, "0")}`;
    const poNumber = `PO-${yymm}${String(i + 1).padStart(3, "0")}`;
    const status: Invoice["status"] = o.monthsAgo >= 2 || i % 4 !== 3 ? "PAID" : "AUTHORISED";
    purchaseOrders.push({
      id: `po-${yymm}-${i + 1}`,
      number: poNumber,
      contact: { id: vendor.id, name: vendor.name },
      date: dates[Math.max(0, dayIndex - 3)]!,
      total: cents / 100,
      status: "BILLED",
    });
    invoices.push(
      bill(
        {
          number,
          vendor,
          cents,
          date,
          month,
          status,
          reference: `${vendor.name.slice(0, 3).toUpperCase()}-${number}`,
          description: `${vendor.item} (${month})`,
          purchaseOrderNumber: poNumber,
        },
        profile,
      ),
    );
    addExpense(vendor.account, cents);
  }
  invoices.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

  let seq = 0;
  const txId = () => `bt-${month}-${String(++seq).padStart(5, "0")}`;
  for (const inv of invoices) {
    if (inv.status !== "PAID" || bank.length >= lineCount) continue;
    bank.push(billPayment(txId(), inv, profile.bankAccount));
  }
  let incomeCents = 0;
  const names = o.customerNames.length > 0 ? o.customerNames : ["Customer"];
  // Receipts and card spends do not depend on which bills are paid yet, so income stays put.
  const fillers = Math.max(0, lineCount - billCount);
  for (let i = 0; i < fillers; i++) {
    const date = dates[i % dates.length]!;
    if (i % 5 < 3) {
      const cents = Math.round(between(rand, 30_000, 200_000) * growth);
      incomeCents += cents;
      bank.push(
        receipt(
          txId(),
          date,
          cents,
          names[i % names.length],
          `${yymm}${String(i).padStart(4, "0")}`,
          profile.bankAccount,
        ),
      );
    } else {
      const merchant = profile.merchants[i % profile.merchants.length]!;
      // Per-slot amounts like bills: a month's card spend per account is steady, not a dice roll.
      const cents = slotCents(o.seed, month, { id: merchant.name, minCents: merchant.min, maxCents: merchant.max }, i);
      addExpense(merchant.account, cents);
      bank.push(cardSpend(txId(), date, cents, merchant.name, i, `${yymm}${i}`, profile.bankAccount));
    }
  }
  bank.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  addExpense("Wages and Salaries", Math.round(18_000_000 * fraction));
  const accounts = [...expenseCents.keys()].sort();
  return {
    invoices,
    purchaseOrders,
    bankTransactions: bank,
    pnl: makePnl(
      month,
      profile.currency,
      [{ account: "Sales", cents: incomeCents }],
      accounts.map((a) => ({ account: a, cents: expenseCents.get(a)! })),
    ),
  };
}

function emptyPnl(month: Month, profile: DemoProfile): ProfitAndLoss {
  return makePnl(month, profile.currency, [{ account: "Sales", cents: 0 }], []);
}
