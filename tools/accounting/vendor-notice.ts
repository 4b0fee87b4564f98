/**
 * The vendor notice for a rejected bill (issue 16, item 6): drafted from the books before the
 * rejection's approval card is shown, so the card carries the exact text. daybook has no
 * send-email action, so the draft is for a person to send; every figure and date in it is the
 * bill's (and, for a duplicate, the original's) as the books hold them.
 */
import type { AccountingPort, Invoice } from "../../src/core/domain/accounting.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { formatMoney } from "../shared/compact.ts";

interface RejectArgs {
  invoiceId: string;
  reason: string;
  vendorNotice?: string | undefined;
}

/** "…, and draft the vendor notice" is a request to daybook, not part of the reason the vendor reads. */
export function cleanReason(reason: string): string {
  const cut = reason.replace(
    /[,;.]?\s*(and\s+)?(please\s+)?(draft|write|prepare|compose)\b[^.]*\b(notice|e-?mail|letter|note)\b.*$/i,
    "",
  );
  return cut.trim().replace(/[,;]$/, "") || reason.trim();
}

/** The invoice a reason says this one duplicates ("duplicate of #1234", "duplicates INV-1234"). */
export function duplicateOf(reason: string): string | undefined {
  return /\bduplicat\w*\b(?:\s+(?:of|for))?\s+(?:invoice\s+|bill\s+)?#?([A-Za-z]*-?\d{3,})/i.exec(reason)?.[1];
}

const billLine = (i: Invoice) =>
  `invoice #${i.number} dated ${i.date.slice(0, 10)} for ${formatMoney(i.total, i.currency)}${i.reference ? ` (your reference ${i.reference.split(" ")[0]})` : ""}`;

export function vendorNotice(bill: Invoice, reason: string, original?: Invoice): string {
  const body = original
    ? `We received ${billLine(bill)}. It duplicates ${billLine(original)}, which we have already recorded, so #${bill.number} will not be paid. Please void #${bill.number} on your side; nothing changes for #${original.number}.`
    : `We received ${billLine(bill)} and cannot process it: ${reason}. Please send a corrected invoice, or reply if you think this is a mistake.`;
  return `Hello ${bill.contact.name},\n\n${body}\n\nThank you,\nAccounts payable`;
}

export async function prepareRejection<A extends RejectArgs>(
  accounting: AccountingPort,
  args: A,
): Promise<{ ok: true; args: A } | { ok: false; reply: string }> {
  const reason = cleanReason(args.reason);
  let bill: Invoice;
  try {
    bill = await accounting.getInvoice(args.invoiceId);
  } catch (error) {
    if (error instanceof DaybookError && error.code === "not_found") return { ok: false, reply: error.userMessage };
    throw error;
  }
  const originalRef = duplicateOf(reason);
  let original: Invoice | undefined;
  if (originalRef) {
    original = await accounting.getInvoice(originalRef).catch((error: unknown) => {
      if (error instanceof DaybookError && error.code === "not_found") return undefined;
      throw error;
    });
    if (!original) {
      return {
        ok: false,
        reply: `I could not find invoice #${originalRef.replace(/^#/, "")}, which the reason says this bill duplicates.`,
      };
    }
  }
  return { ok: true, args: { ...args, reason, vendorNotice: vendorNotice(bill, reason, original) } };
}
