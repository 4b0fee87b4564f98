/**
 * The books of the month being closed, with the named exceptions the close digest exists for:
 * every bill has a matching purchase order except #4729; #4801 repeats #4756; every bank line is
 * reconciled except an undocumented wire, an unknown refund and a bank fee; P&L expenses are
 * the posted bills and coded card spends per account, with Marketing exactly 18 % above the
 * previous month and every other account within 6 %, so one variance stands out.
 */
import type { BankTransaction, Invoice, ProfitAndLoss, PurchaseOrder } from "../../src/core/domain/accounting.ts";
import { type Month, previousMonth } from "../../src/core/domain/common.ts";
import { initials, makePnl, slotCents, vendorCents } from "./amounts.ts";
import { billPayment, cardSpend, receipt } from "./bank-lines.ts";
import { bill } from "./bills.ts";
import type { DemoProfile, DemoVendor } from "./profile.ts";
import { between, hash32, mulberry32 } from "./random.ts";

type Vendor = DemoVendor;

/** The three statement lines nothing in the books explains. */
export const closeBankIds = { wire: "bt-wire-2100", refund: "bt-refund-350", fee: "bt-fee-1250" } as const;

export interface CloseMonthOptions {
  month: Month;
  /** The month's days with books: all of them, or up to today for the current month. */
  dates: string[];
  seed: number;
  bills: number;
  bankTransactions: number;
  customerNames: string[];
  profile: DemoProfile;
  /** Share of the month with books (days so far / days in the month); 1 for a whole month. */
  fraction: number;
  /** The previous month's P&L from its own books, kept wherever it compares within 6 %. */
  previousBooks?: ProfitAndLoss;
}

export interface CloseMonthBooks {
  invoices: Invoice[];
  purchaseOrders: PurchaseOrder[];
  bankTransactions: BankTransaction[];
  pnl: ProfitAndLoss;
  /** The previous month's P&L as the comparison the variance check reads. */
  previousPnl: ProfitAndLoss;
  /** Highest bill number used, so a later month continues after it. */
  lastNumber: number;
}

const billStatusCycle: Invoice["status"][] = [
  "PAID",
  "PAID",
  "AUTHORISED",
  "PAID",
  "PAID",
  "AUTHORISED",
  "PAID",
  "PAID",
  "PAID",
  "AUTHORISED",
  "PAID",
  "PAID",
  "PAID",
  "AUTHORISED",
  "PAID",
  "PAID",
  "PAID",
  "AUTHORISED",
  "PAID",
  "SUBMITTED",
];

/**
 * One month of books. Every bill has a matching purchase order except #4729; #4801 repeats
 * #4756; every bank line is reconciled except the wire, the refund and the bank fee; P&L
 * expenses are the posted bills and coded card spends per account, with Marketing exactly
 * 18% above the previous month.
 */
export function closeMonthBooks(options: CloseMonthOptions): CloseMonthBooks {
  const { seed, month, dates, profile } = options;
  const vendors = profile.vendors;
  const officeDepot = vendors[0]!;
  const acmeConsulting = vendors[1]!;
  const officeRef = `${initials(officeDepot.name)}-88123`;
  const rand = mulberry32(seed ^ 0x5e6f ^ hash32(month));
  const prev = previousMonth(month);
  const dateAt = (frac: number) => dates[Math.min(dates.length - 1, Math.floor(frac * dates.length))]!;

  const invoices: Invoice[] = [];
  const purchaseOrders: PurchaseOrder[] = [];
  const bank: BankTransaction[] = [];
  const expenseCents = new Map<string, number>();
  const addExpense = (account: string, cents: number) =>
    expenseCents.set(account, (expenseCents.get(account) ?? 0) + cents);
  // (vendor, cents) pairs already billed: generic bills never look like duplicates.
  const billed = new Set<string>();
  let poSeq = 1000;

  const addBill = (
    number: string,
    vendor: Vendor,
    cents: number,
    date: string,
    status: Invoice["status"],
    po: string | undefined | null,
    reference: string,
    description: string,
  ) => {
    let poNumber: string | undefined;
    if (po === null) {
      poNumber = undefined;
    } else if (po !== undefined) {
      poNumber = po;
    } else {
      poNumber = `PO-${poSeq++}`;
      purchaseOrders.push({
        id: `po-${poNumber.slice(3)}`,
        number: poNumber,
        contact: { id: vendor.id, name: vendor.name },
        date: dates[Math.max(0, dates.indexOf(date) - 3)]!,
        total: cents / 100,
        status: status === "PAID" || status === "AUTHORISED" ? "BILLED" : "AUTHORISED",
      });
    }
    const invoice = bill(
      { number, vendor, cents, date, month, status, reference, description, purchaseOrderNumber: poNumber },
      profile,
    );
    invoices.push(invoice);
    billed.add(`${vendor.id}:${cents}`);
    if (status === "PAID" || status === "AUTHORISED") addExpense(vendor.account, cents);
    return invoice;
  };

  // Named bills first, so generic ones steer clear of their amounts.
  const original = addBill(
    "4756",
    officeDepot,
    45_000,
    dateAt(0.3),
    "PAID",
    undefined,
    officeRef,
    "Printer toner and paper",
  );
  addBill(
    "4729",
    acmeConsulting,
    850_000,
    dateAt(0.55),
    "SUBMITTED",
    null,
    `${initials(acmeConsulting.name)}-${month}`,
    "Process review workshop",
  );
  // The duplicate: same vendor, amount, reference and PO as #4756, entered again later.
  addBill(
    "4801",
    officeDepot,
    45_000,
    dateAt(0.8),
    "SUBMITTED",
    original.purchaseOrderNumber,
    officeRef,
    "Printer toner and paper",
  );

  const special = new Set(["4729", "4756", "4801"]);
  let number = 4600;
  for (let i = 0; i < options.bills - 3; i++) {
    while (special.has(String(number))) number++;
    const vendor = vendors[i % vendors.length]!;
    // Acme Consulting bills always come with a PO; only #4729 lacks one.
    let cents = vendorCents(seed, month, vendor, Math.floor(i / vendors.length));
    // Never the named bank exceptions' amounts, so nothing in the books can explain them.
    while (billed.has(`${vendor.id}:${cents}`) || cents === 210_000 || cents === 1250) cents += 1;
    const status = billStatusCycle[i % billStatusCycle.length]!;
    addBill(
      String(number),
      vendor,
      cents,
      dateAt(rand()),
      status,
      undefined,
      `${vendor.name.slice(0, 3).toUpperCase()}-${number}`,
      `${vendor.item} (${month})`,
    );
    number++;
  }

  let seq = 0;
  const txId = () => `bt-${String(++seq).padStart(7, "0")}`;
  // Bill payments, reconciled against the bill.
  for (const inv of invoices) {
    if (inv.status !== "PAID") continue;
    if (bank.length >= options.bankTransactions - 3) break;
    bank.push(billPayment(txId(), inv, profile.bankAccount));
  }
  // The three exceptions: not reconciled, nothing in the books to match.
  const exceptions: BankTransaction[] = [
    {
      id: closeBankIds.wire,
      date: dateAt(0.62),
      amount: -2100,
      kind: "SPEND",
      reference: "WIRE 448120",
      description: "Outgoing wire transfer - no remittance details",
      reconciled: false,
      bankAccount: profile.bankAccount,
    },
    {
      id: closeBankIds.refund,
      date: dateAt(0.7),
      amount: 350,
      kind: "RECEIVE",
      reference: "REFUND 93311",
      description: "Incoming refund - originator unknown",
      reconciled: false,
      bankAccount: profile.bankAccount,
    },
    {
      id: closeBankIds.fee,
      date: dateAt(0.99),
      amount: -12.5,
      kind: "SPEND",
      contact: profile.bankName,
      reference: "SVC FEE",
      description: "Monthly account service fee",
      reconciled: false,
      bankAccount: profile.bankAccount,
    },
  ];
  // The rest: customer receipts and coded card spends (Xero "receive/spend money" entries),
  // all reconciled. The first card spend is the Google Ads auto-charge that settles
  // Marketing to exactly +18% below, so it is created last.
  const cardMerchants = profile.merchants;
  const fillers = Math.max(0, options.bankTransactions - bank.length - exceptions.length - 1);
  let incomeCents = 0;
  const names = options.customerNames.length > 0 ? options.customerNames : ["Customer"];
  for (let i = 0; i < fillers; i++) {
    const date = dates[i % dates.length]!;
    if (i % 5 < 3) {
      const cents = between(rand, 30_000, 200_000);
      incomeCents += cents;
      bank.push(receipt(txId(), date, cents, names[i % names.length], String(100000 + i), profile.bankAccount));
    } else {
      const m = cardMerchants[i % cardMerchants.length]!;
      const cents = slotCents(seed, month, { id: m.name, minCents: m.min, maxCents: m.max }, i);
      addExpense(m.account, cents);
      bank.push(cardSpend(txId(), date, cents, m.name, i, String(100000 + i), profile.bankAccount));
    }
  }
  // Marketing: exactly 18 % above last month, pro rata while the month is in progress (the close
  // check compares a month in progress with the previous month to the same day).
  const { fraction } = options;
  const own = options.previousBooks;
  const base = 120_000;
  const marketingSoFar = (expenseCents.get("Marketing") ?? 0) + base;
  const ownMarketing = own?.expenses.find((e) => e.account === "Marketing")?.amount;
  const previousMarketing =
    ownMarketing === undefined
      ? Math.max(100, Math.round(marketingSoFar / fraction / 10_000)) * 10_000
      : Math.round(ownMarketing * 100);
  const targetMarketing = Math.round((previousMarketing * 118 * fraction) / 100);
  // The auto-charge settles the books to the target; a month in progress whose bills already
  // passed it gets a token charge (its P&L is pro rata, below).
  const adjust = Math.max(base, base + (targetMarketing - marketingSoFar));
  addExpense("Marketing", adjust);
  bank.push({
    id: txId(),
    date: dateAt(0.5),
    amount: -adjust / 100,
    kind: "SPEND",
    contact: profile.adsMerchant,
    reference: "ADS AUTOCHARGE",
    description: `Card purchase - ${profile.adsMerchant} auto-charge`,
    reconciled: true,
    matchedTo: "SM-ADS",
    bankAccount: profile.bankAccount,
  });
  for (const e of exceptions) bank.push(e);
  // Statement order: by date, then creation order. A bucket pass, not a comparison sort:
  // a month has at most 31 dates and this runs over 1,000,000 rows in benchmarks.
  const dayIndex = new Map(dates.map((d, i) => [d, i]));
  const buckets: BankTransaction[][] = dates.map(() => []);
  for (const tx of bank) buckets[dayIndex.get(tx.date)!]!.push(tx);
  const statement = buckets.flat();

  const payrollCents = Math.round(18_000_000 * Math.max(1, Math.round(options.bills / fraction / 250)) * fraction);
  addExpense("Wages and Salaries", payrollCents);
  const accounts = [...expenseCents.keys()].sort();
  const drift = mulberry32(seed ^ 0x7788 ^ hash32(month));
  // Within +/-6 % of last month, so Marketing's +18 % is the variance that stands out.
  const wobble = () => 1 + (drift() * 0.12 - 0.06);
  let current: ProfitAndLoss;
  let previous: ProfitAndLoss;
  if (own && fraction === 1) {
    // A whole month: its own books, against last month's own books (every account bills about
    // the same each month, see slotCents), with Marketing settled to +18 %.
    expenseCents.set("Marketing", targetMarketing);
    current = makePnl(
      month,
      profile.currency,
      [{ account: "Sales", cents: incomeCents }],
      accounts.map((a) => ({ account: a, cents: expenseCents.get(a)! })),
    );
    previous = own;
  } else if (own) {
    // A month in progress: its P&L so far is last month's pro rata, so whole months keep their
    // own figures on every day and the month being closed compares like for like.
    const ownCents = (amount: number) => Math.round(amount * 100);
    current = makePnl(
      month,
      profile.currency,
      own.income.map((l) => ({ account: l.account, cents: Math.round(ownCents(l.amount) * fraction * 1.03) })),
      own.expenses.map((l) => ({
        account: l.account,
        cents: l.account === "Marketing" ? targetMarketing : Math.round(ownCents(l.amount) * fraction * wobble()),
      })),
    );
    previous = own;
  } else {
    // No earlier books (never in the demo window): last month derived from this one.
    current = makePnl(
      month,
      profile.currency,
      [{ account: "Sales", cents: incomeCents }],
      accounts.map((a) => ({ account: a, cents: a === "Marketing" ? targetMarketing : expenseCents.get(a)! })),
    );
    previous = makePnl(
      prev,
      profile.currency,
      [{ account: "Sales", cents: Math.round(incomeCents / fraction / 1.03) }],
      accounts.map((a) => ({
        account: a,
        cents: a === "Marketing" ? previousMarketing : Math.round(expenseCents.get(a)! / fraction / wobble()),
      })),
    );
  }
  return {
    invoices,
    purchaseOrders,
    bankTransactions: statement,
    pnl: current,
    previousPnl: previous,
    lastNumber: Math.max(number - 1, ...[...special].map(Number)),
  };
}
