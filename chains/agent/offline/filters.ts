/**
 * The filters people say in a question, for a read tool's parameters (issue 13, item 4):
 * "unreconciled" lines, "the $2,100 wire", bills "awaiting approval", "unpaid" or "overdue",
 * "invoices from <vendor>". Each returns undefined when the question says nothing about it, so
 * the tool's own default applies. Vendor names are read from how the question is written
 * (a capitalised name after "from", "to", "pay"), never from a list of any organisation's names.
 */

const months =
  /^(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(tember)?|oct(ober)?|nov(ember)?|dec(ember)?|q[1-4]|last|this|next|today|yesterday)$/i;

export function reconciledIn(text: string): boolean | undefined {
  if (/\b(un-?reconc?il+ed|not (yet )?reconc?il+ed|unmatched|unexplained|not matched)\b/i.test(text)) return false;
  if (/\breconciled\b/i.test(text)) return true;
  return undefined;
}

/** "$2,100", "2.1k", "€ 450": one amount the question names. */
export function amountIn(text: string): number | undefined {
  const m =
    /(?:[$€£]\s?([\d][\d,]*(?:\.\d+)?)\s*([kK])?|\b([\d][\d,]*(?:\.\d+)?)\s*([kK])?\s*(?:dollars|euros?|pounds|usd|eur|gbp)\b)/.exec(
      text,
    );
  const raw = m?.[1] ?? m?.[3];
  if (!raw) return undefined;
  const n = Number(raw.replace(/,/g, ""));
  const k = m?.[2] ?? m?.[4];
  return Number.isFinite(n) ? (k ? n * 1000 : n) : undefined;
}

/** A bill status the words name, for a status enum of the accounting system's values. */
export function invoiceStatusIn(text: string, options: readonly string[]): string | undefined {
  const want = /\b(awaiting|pending|waiting for|to|needs?|need)\s+(my\s+)?approv\w*|\bunapproved\b|\bsubmitted\b/i.test(
    text,
  )
    ? "SUBMITTED"
    : /\b(drafts?)\b/i.test(text)
      ? "DRAFT"
      : /\bvoid(ed)?\b/i.test(text)
        ? "VOIDED"
        : /\b(approved|authori[sz]ed)\b/i.test(text)
          ? "AUTHORISED"
          : /(?<!un)\bpaid\b/i.test(text) && !/\b(unpaid|not paid)\b/i.test(text)
            ? "PAID"
            : undefined;
  return want && options.includes(want) ? want : undefined;
}

export function unpaidIn(text: string): boolean | undefined {
  return /\b(unpaid|not (yet )?paid|outstanding|still owe|we owe|open bills?)\b/i.test(text) ? true : undefined;
}

export function overdueIn(text: string): boolean | undefined {
  return /\b(overdue|past due|late)\b/i.test(text) ? true : undefined;
}

/** "bills without a PO", "invoices with no purchase order". */
export function noPurchaseOrderIn(text: string): boolean | undefined {
  return /\b(without|no|missing|lacking|lack)\s+(an?\s+)?(po|purchase orders?)\b/i.test(text) ? true : undefined;
}

/** "invoices from <Vendor Name>", "what did we pay <Vendor Name>": the capitalised name after the verb. */
export function counterpartyIn(text: string): string | undefined {
  // Letters of any script: "Bürokraft GmbH" is one name, not "B".
  const m =
    /(?<![\p{L}\p{N}])(?:from|to|pay|paid|by|with|for)\s+((?:[\p{Lu}\p{N}][\p{L}\p{N}_&'.-]*)(?:\s+(?:&\s+)?[\p{Lu}\p{N}][\p{L}\p{N}_&'.-]*)*)/u.exec(
      text,
    );
  const name = m?.[1]?.replace(/[.,;:!?]+$/, "").trim();
  if (!name || name.length < 2) return undefined;
  const first = name.split(/\s+/)[0] ?? "";
  if (months.test(first) || /^\d/.test(first)) return undefined;
  return name;
}

/** The value a read tool's filter parameter takes from the question, by the parameter's name and type. */
export function readFilter(param: { name: string; type?: string; enum?: string[] }, text: string): unknown {
  const n = param.name;
  if (n === "reconciled" && param.type === "boolean") return reconciledIn(text);
  if (n === "amount" && param.type === "number") return amountIn(text);
  if (n === "unpaid" && param.type === "boolean") return overdueIn(text) ? undefined : unpaidIn(text);
  if (n === "overdue" && param.type === "boolean") return overdueIn(text);
  if (n === "noPurchaseOrder" && param.type === "boolean") return noPurchaseOrderIn(text);
  if (n === "status" && param.enum?.includes("SUBMITTED")) return invoiceStatusIn(text, param.enum);
  // A vendor written out ("from <Vendor Name>") wins over a CRM company sharing its first word.
  if (n === "contact" && param.type === "string") return counterpartyIn(text);
  return undefined;
}
