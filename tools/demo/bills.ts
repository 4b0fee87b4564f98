/** A vendor bill (Xero ACCPAY) as every month of the demo books writes it: one line, one account. */
import type { Invoice } from "../../src/core/domain/accounting.ts";
import type { Month } from "../../src/core/domain/common.ts";
import type { DemoProfile, DemoVendor } from "./profile.ts";

export interface BillFields {
  number: string;
  vendor: DemoVendor;
  cents: number;
  date: string;
  month: Month;
  status: Invoice["status"];
  reference: string;
  description: string;
  purchaseOrderNumber?: string | undefined;
}

export function bill(f: BillFields, profile: DemoProfile): Invoice {
  const id = `inv-${f.number}`;
  return {
    id,
    number: f.number,
    type: "ACCPAY",
    contact: { id: f.vendor.id, name: f.vendor.name },
    date: f.date,
    dueDate: `${f.month}-28`,
    total: f.cents / 100,
    currency: profile.currency,
    status: f.status,
    reference: f.reference,
    ...(f.purchaseOrderNumber ? { purchaseOrderNumber: f.purchaseOrderNumber } : {}),
    lines: [{ description: f.description, account: f.vendor.account, amount: f.cents / 100 }],
    url: `${profile.urls.accounting}/AccountsPayable/View.aspx?InvoiceID=${id}`,
  };
}
