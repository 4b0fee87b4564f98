/**
 * The records a close run reads, shared by the close tool and the close digest. A bill's purchase
 * order is often raised in an earlier month than the bill (ordered in October, invoiced in
 * November), and accounting systems filter a PO listing by the PO's own date: so the month's POs
 * are listed, and the POs the month's bills name that are not among them are then looked up by
 * number, wherever they are dated (AccountingPort.findPurchaseOrders).
 */
import type { AccountingPort, Invoice, PurchaseOrder } from "../../src/core/domain/accounting.ts";
import { type Listing, type Month, previousMonth } from "../../src/core/domain/common.ts";
import { relist } from "../shared/listing.ts";
import type { CloseInput } from "./close-types.ts";
import { pnlIfAny } from "./period-pnl.ts";

export type CloseRecords = Omit<CloseInput, "asOf" | "invoices" | "purchaseOrders" | "bankTransactions"> & {
  invoices: Listing<Invoice>;
  purchaseOrders: Listing<PurchaseOrder>;
  bankTransactions: Awaited<ReturnType<AccountingPort["listBankTransactions"]>>;
};

const key = (n: string) => n.trim().toUpperCase();

/** PO numbers `bills` name that `known` does not hold, each once. */
export function referencedPurchaseOrders(bills: readonly Invoice[], known: readonly PurchaseOrder[]): string[] {
  const have = new Set(known.map((po) => key(po.number)));
  const out = new Set<string>();
  for (const b of bills) {
    const n = b.type === "ACCPAY" && b.purchaseOrderNumber ? key(b.purchaseOrderNumber) : "";
    if (n !== "" && !have.has(n)) out.add(n);
  }
  return [...out];
}

/** The month's POs `listed` plus the ones `bills` name from other months (the listing's cut kept). */
export async function withReferencedPurchaseOrders(
  accounting: AccountingPort,
  listed: Listing<PurchaseOrder>,
  bills: readonly Invoice[],
): Promise<Listing<PurchaseOrder>> {
  const missing = referencedPurchaseOrders(bills, listed);
  if (missing.length === 0 || !accounting.findPurchaseOrders) return listed;
  const found = await accounting.findPurchaseOrders(missing);
  const have = new Set(listed.map((po) => key(po.number)));
  return relist(listed, [...listed, ...found.filter((po) => !have.has(key(po.number)))]);
}

export async function loadCloseRecords(accounting: AccountingPort, month: Month): Promise<CloseRecords> {
  const billsAndOrders = Promise.all([accounting.listInvoices({ month }), accounting.listPurchaseOrders(month)]).then(
    async ([invoices, listed]) => ({
      invoices,
      purchaseOrders: await withReferencedPurchaseOrders(accounting, listed, invoices),
    }),
  );
  const [{ invoices, purchaseOrders }, bankTransactions, pnl, previousPnl] = await Promise.all([
    billsAndOrders,
    accounting.listBankTransactions(month),
    accounting.getProfitAndLoss(month),
    pnlIfAny(accounting, previousMonth(month)),
  ]);
  return { month, invoices, purchaseOrders, bankTransactions, pnl, previousPnl };
}
