/**
 * The reconciled statement lines every month of the demo books has: bill payments, customer
 * receipts and coded card spends (Xero "receive/spend money" entries). Plain object literals,
 * since a benchmark month holds 1,000,000 of them.
 */
import type { BankTransaction, Invoice } from "../../src/core/domain/accounting.ts";

export function billPayment(id: string, inv: Invoice, bankAccount: string): BankTransaction {
  return {
    id,
    date: inv.date,
    amount: -inv.total,
    kind: "SPEND",
    contact: inv.contact.name,
    reference: inv.number,
    description: `Payment to ${inv.contact.name}`,
    reconciled: true,
    matchedTo: inv.id,
    bankAccount,
  };
}

/** `key` makes the reference and the booked receipt it is matched to ("SUB-<key>", "RM-<key>"). */
export function receipt(
  id: string,
  date: string,
  cents: number,
  contact: string | undefined,
  key: string,
  bankAccount: string,
): BankTransaction {
  return {
    id,
    date,
    amount: cents / 100,
    kind: "RECEIVE",
    contact,
    reference: `SUB-${key}`,
    description: "Subscription payment",
    reconciled: true,
    matchedTo: `RM-${key}`,
    bankAccount,
  };
}

/** `slot` numbers the card reference; `key` the booked spend it is matched to ("SM-<key>"). */
export function cardSpend(
  id: string,
  date: string,
  cents: number,
  merchant: string,
  slot: number,
  key: string,
  bankAccount: string,
): BankTransaction {
  return {
    id,
    date,
    amount: -cents / 100,
    kind: "SPEND",
    contact: merchant,
    reference: `CARD ${4000 + (slot % 5000)}`,
    description: `Card purchase - ${merchant}`,
    reconciled: true,
    matchedTo: `SM-${key}`,
    bankAccount,
  };
}
