/**
 * How close-check records travel to a worker and findings come back. Structured clone of the
 * plain objects costs the main thread about 1 s per million bank lines (measured on Node 24),
 * more than the checks; here each chunk of rows becomes one string of its fields back to back,
 * a Uint32Array of their lengths and typed arrays for numbers and flags (transferred, not
 * copied), about a third of that, and the runner yields between chunks so no single step holds
 * the event loop. Only the fields the checks read are sent (CheckInvoice, CheckBankLine): an
 * absent optional field travels as "" and comes back absent, which the checks treat alike.
 */
import type { CheckBankLine, CheckInput, CheckInvoice, CheckPurchaseOrder, CloseFindings } from "./close-checks.ts";

/** Where a row's fields go: a packer for the worker, a hasher for the cache's input version. */
export interface FieldSink {
  str(value: string | undefined): void;
  num(value: number): void;
  flag(value: boolean): void;
}

export const INVOICE_SHAPE = { strings: 10, numbers: 1, flags: 0 };
export function writeInvoice(sink: FieldSink, inv: CheckInvoice): void {
  sink.str(inv.id);
  sink.str(inv.number);
  sink.str(inv.type);
  sink.str(inv.status);
  sink.str(inv.contact.id);
  sink.str(inv.contact.name);
  sink.str(inv.date);
  sink.str(inv.dueDate);
  sink.str(inv.reference);
  sink.str(inv.purchaseOrderNumber);
  sink.num(inv.total);
}

export const PO_SHAPE = { strings: 2, numbers: 0, flags: 0 };
export function writePurchaseOrder(sink: FieldSink, po: CheckPurchaseOrder): void {
  sink.str(po.number);
  sink.str(po.status);
}

export const BANK_SHAPE = { strings: 6, numbers: 1, flags: 1 };
export function writeBankLine(sink: FieldSink, tx: CheckBankLine): void {
  sink.str(tx.date);
  sink.str(tx.kind);
  sink.str(tx.contact);
  sink.str(tx.reference);
  sink.str(tx.description);
  sink.str(tx.matchedTo);
  sink.num(tx.amount);
  sink.flag(tx.reconciled);
}

export type Table = "invoices" | "purchaseOrders" | "bankTransactions";

export interface Chunk {
  kind: "chunk";
  table: Table;
  rows: number;
  text: string;
  lengths: Uint32Array;
  numbers: Float64Array;
  flags: Uint8Array;
}

export type ToWorker = Chunk | { kind: "run"; options: Record<string, number | undefined> };

export interface EncodedFindings {
  kind: "done";
  counts: Pick<CloseFindings, "bills" | "billsMatchedToPo" | "bankReconciled" | "bankMatched" | "matchSteps">;
  withoutPo: Int32Array;
  duplicateInvoice: Int32Array;
  duplicateOf: Int32Array;
  /** Positions in DUPLICATE_KINDS. */
  duplicateKind: Uint8Array;
  unmatchedTx: Int32Array;
  /** Positions in BANK_REASONS. */
  unmatchedReason: Uint8Array;
}

export type FromWorker = EncodedFindings | { kind: "failed"; message: string };

class Packer implements FieldSink {
  readonly lengths: Uint32Array;
  readonly numbers: Float64Array;
  readonly flags: Uint8Array;
  text = "";
  #s = 0;
  #n = 0;
  #f = 0;

  constructor(rows: number, shape: { strings: number; numbers: number; flags: number }) {
    this.lengths = new Uint32Array(rows * shape.strings);
    this.numbers = new Float64Array(rows * shape.numbers);
    this.flags = new Uint8Array(rows * shape.flags);
  }
  str(value: string | undefined): void {
    const v = value ?? "";
    this.text += v;
    this.lengths[this.#s++] = v.length;
  }
  num(value: number): void {
    this.numbers[this.#n++] = value;
  }
  flag(value: boolean): void {
    this.flags[this.#f++] = value ? 1 : 0;
  }
}

const tables = {
  invoices: { shape: INVOICE_SHAPE, write: writeInvoice },
  purchaseOrders: { shape: PO_SHAPE, write: writePurchaseOrder },
  bankTransactions: { shape: BANK_SHAPE, write: writeBankLine },
} as const;

/** Rows [from, to) of one table as a message; its buffers are listed for transfer. */
export function packChunk(input: CheckInput, table: Table, from: number, to: number): Chunk {
  const { shape, write } = tables[table];
  const rows = input[table] as readonly unknown[];
  const packer = new Packer(to - from, shape);
  for (let i = from; i < to; i++) (write as (s: FieldSink, row: unknown) => void)(packer, rows[i]);
  return {
    kind: "chunk",
    table,
    rows: to - from,
    text: packer.text,
    lengths: packer.lengths,
    numbers: packer.numbers,
    flags: packer.flags,
  };
}

export function transferList(message: Chunk | EncodedFindings): ArrayBuffer[] {
  const arrays =
    message.kind === "chunk"
      ? [message.lengths, message.numbers, message.flags]
      : [
          message.withoutPo,
          message.duplicateInvoice,
          message.duplicateOf,
          message.unmatchedTx,
          message.unmatchedReason,
        ];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

/** Rebuilds the rows in the worker, appending each chunk to its table. */
export class Unpacker {
  readonly input: {
    invoices: CheckInvoice[];
    purchaseOrders: CheckPurchaseOrder[];
    bankTransactions: CheckBankLine[];
  } = { invoices: [], purchaseOrders: [], bankTransactions: [] };

  add(chunk: Chunk): void {
    const { text, lengths, numbers, flags } = chunk;
    let pos = 0;
    let s = 0;
    const next = (): string => {
      const len = lengths[s++]!;
      const value = text.slice(pos, pos + len);
      pos += len;
      return value;
    };
    const optional = (): string | undefined => {
      const v = next();
      return v === "" ? undefined : v;
    };
    for (let r = 0; r < chunk.rows; r++) {
      if (chunk.table === "invoices") {
        const inv: CheckInvoice = {
          id: next(),
          number: next(),
          type: next() as CheckInvoice["type"],
          status: next() as CheckInvoice["status"],
          contact: { id: next(), name: next() },
          date: next(),
          total: numbers[r]!,
        };
        const dueDate = optional();
        const reference = optional();
        const purchaseOrderNumber = optional();
        if (dueDate !== undefined) inv.dueDate = dueDate;
        if (reference !== undefined) inv.reference = reference;
        if (purchaseOrderNumber !== undefined) inv.purchaseOrderNumber = purchaseOrderNumber;
        this.input.invoices.push(inv);
      } else if (chunk.table === "purchaseOrders") {
        this.input.purchaseOrders.push({ number: next(), status: next() as CheckPurchaseOrder["status"] });
      } else {
        const tx: CheckBankLine = {
          date: next(),
          kind: next() as CheckBankLine["kind"],
          amount: numbers[r]!,
          description: "",
          reconciled: flags[r] === 1,
        };
        const contact = optional();
        const reference = optional();
        tx.description = next();
        const matchedTo = optional();
        if (contact !== undefined) tx.contact = contact;
        if (reference !== undefined) tx.reference = reference;
        if (matchedTo !== undefined) tx.matchedTo = matchedTo;
        this.input.bankTransactions.push(tx);
      }
    }
  }
}

export function encodeFindings(f: CloseFindings): EncodedFindings {
  return {
    kind: "done",
    counts: {
      bills: f.bills,
      billsMatchedToPo: f.billsMatchedToPo,
      bankReconciled: f.bankReconciled,
      bankMatched: f.bankMatched,
      matchSteps: f.matchSteps,
    },
    withoutPo: Int32Array.from(f.withoutPo),
    duplicateInvoice: Int32Array.from(f.duplicateInvoice),
    duplicateOf: Int32Array.from(f.duplicateOf),
    duplicateKind: Uint8Array.from(f.duplicateKind),
    unmatchedTx: Int32Array.from(f.unmatchedTx),
    unmatchedReason: Uint8Array.from(f.unmatchedReason),
  };
}

export function decodeFindings(e: EncodedFindings): CloseFindings {
  return {
    ...e.counts,
    withoutPo: Array.from(e.withoutPo),
    duplicateInvoice: e.duplicateInvoice,
    duplicateOf: e.duplicateOf,
    duplicateKind: e.duplicateKind,
    unmatchedTx: e.unmatchedTx,
    unmatchedReason: e.unmatchedReason,
  };
}
