import { describe, expect, it } from "vitest";
import type { BankTransaction } from "../../src/core/domain/accounting.ts";
import { type CheckBankLine, type CheckInvoice, cents, dayNumber, reconcileBank } from "./close-checks.ts";

const inactive = new Set(["VOIDED", "DELETED", "DRAFT"]);
const norm = (v: string | undefined) => (v ? v.toLowerCase().replace(/[^a-z0-9]/g, "") : "");

/** The matcher as it was before issue 11: scan the whole amount bucket for every line. */
function plainScan(invoices: CheckInvoice[], lines: CheckBankLine[], window = 7) {
  type Entry = {
    index: number;
    days: number;
    dueDays: number;
    ref: string;
    number: string;
    contact: string;
    used: boolean;
  };
  const ledger = new Map<number, Entry[]>();
  const byId = new Map<string, Entry>();
  invoices.forEach((inv, index) => {
    if (inactive.has(inv.status)) return;
    const signed = inv.type === "ACCPAY" ? -cents(inv.total) : cents(inv.total);
    const entry = {
      index,
      days: dayNumber(inv.date),
      dueDays: dayNumber(inv.dueDate ?? inv.date),
      ref: norm(inv.reference),
      number: norm(inv.number),
      contact: norm(inv.contact.name),
      used: false,
    };
    ledger.set(signed, [...(ledger.get(signed) ?? []), entry]);
    byId.set(inv.id, entry);
    if (entry.number !== "") byId.set(inv.number, entry);
  });
  for (const tx of lines) {
    const entry = tx.reconciled && tx.matchedTo ? byId.get(tx.matchedTo) : undefined;
    if (entry) entry.used = true;
  }
  let steps = 0;
  const claimed: (number | undefined)[] = [];
  for (const tx of lines) {
    if (tx.reconciled) continue;
    const day = dayNumber(tx.date);
    const ref = norm(tx.reference);
    const contact = norm(tx.contact);
    const hit = (ledger.get(cents(tx.amount)) ?? []).find((e) => {
      steps++;
      if (e.used) return false;
      const inWindow = Math.abs(day - e.days) <= window || Math.abs(day - e.dueDays) <= window;
      const sameRef = ref !== "" && (ref === e.number || ref === e.ref || ref.includes(e.number));
      return inWindow && (sameRef || (contact !== "" && contact === e.contact));
    });
    if (hit) hit.used = true;
    claimed.push(hit?.index);
  }
  return { claimed, steps };
}

let seed = 7;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
const date = (day: number) => `2026-10-${String(day).padStart(2, "0")}`;

function bill(i: number, over: Partial<CheckInvoice> = {}): CheckInvoice {
  return {
    id: `b${i}`,
    number: `S-${i}`,
    type: "ACCPAY",
    status: "AUTHORISED",
    contact: { id: "v1", name: "Streaming Co" },
    date: date(1 + (i % 28)),
    total: 19.99,
    ...over,
  };
}

function line(i: number, over: Partial<BankTransaction> = {}): CheckBankLine {
  return { date: date(28 - (i % 28)), amount: -19.99, kind: "SPEND", description: "card", reconciled: false, ...over };
}

/** Which invoice each unreconciled line claimed (undefined: none), as plainScan reports it. */
function claimedBy(invoices: CheckInvoice[], lines: CheckBankLine[], window = 7): (number | undefined)[] {
  const { claimedBy } = reconcileBank(invoices, lines, { matchWindowDays: window });
  return lines.flatMap((tx, i) => (tx.reconciled ? [] : [claimedBy[i] === -1 ? undefined : claimedBy[i]]));
}

describe("bank matching", () => {
  it("matches the same bank lines as a plain scan of the amount, on random books with few amounts", () => {
    for (let round = 0; round < 300; round++) {
      const amounts = [10, 19.99, 250];
      const names = ["Streaming Co", "Printers Ltd", "", "Cloud-Host"];
      const numbers = ["", "1", "12", "INV-12", "INV-123", "X9"];
      const invoices = Array.from({ length: 1 + Math.floor(random() * 120) }, (_, i) =>
        bill(i, {
          number: pick(numbers) + (random() < 0.5 ? "" : String(i % 5)),
          type: random() < 0.8 ? "ACCPAY" : "ACCREC",
          status: pick(["AUTHORISED", "PAID", "VOIDED"]),
          contact: { id: "v", name: pick(names) },
          date: date(1 + Math.floor(random() * 28)),
          ...(random() < 0.5 ? { dueDate: date(1 + Math.floor(random() * 28)) } : {}),
          ...(random() < 0.4 ? { reference: pick(["R1", "INV-12", "12"]) } : {}),
          total: pick(amounts),
        }),
      );
      const lines = Array.from({ length: 1 + Math.floor(random() * 120) }, (_, i) => {
        const reconciled = random() < 0.2;
        return line(i, {
          date: date(1 + Math.floor(random() * 28)),
          amount: pick([-1, 1]) * pick(amounts),
          ...(random() < 0.6 ? { contact: pick(names) } : {}),
          ...(random() < 0.6 ? { reference: pick(["INV-123 paid", "ref 12", "R1", "X95", "zz"]) } : {}),
          reconciled,
          ...(reconciled ? { matchedTo: pick(invoices).id } : {}),
        });
      });
      for (const window of [0, 3, 7, 40, Number.POSITIVE_INFINITY]) {
        expect(claimedBy(invoices, lines, window)).toEqual(plainScan(invoices, lines, window).claimed);
      }
    }
  });

  it("claims the earliest listed bill in the window when many bills share the amount and the vendor", () => {
    const invoices = Array.from({ length: 200 }, (_, i) => bill(i));
    // Dated the 20th: the first bill within 7 days of it, in listing order, is b12 (the 13th).
    const lines = [line(0, { date: date(20), contact: "Streaming Co" })];
    const scan = plainScan(invoices, lines);
    expect(scan.claimed).toEqual([12]);
    expect(claimedBy(invoices, lines)).toEqual([12]);
    // The next line of the same day takes the next bill of that window, not b12 again.
    const two = [...lines, line(1, { date: date(20), contact: "Streaming Co" })];
    expect(plainScan(invoices, two).claimed).toEqual([12, 13]);
    expect(claimedBy(invoices, two)).toEqual([12, 13]);
  });

  describe("looks at a bounded number of book entries per bank line when every bill has the same amount", () => {
    const n = 5_000;
    const shapes: Record<string, () => { invoices: CheckInvoice[]; lines: CheckBankLine[] }> = {
      "lines in the opposite date order, matched by contact": () => ({
        invoices: Array.from({ length: n }, (_, i) => bill(i)),
        lines: Array.from({ length: n }, (_, i) => line(i, { contact: "Streaming Co" })),
      }),
      "lines that match nothing": () => ({
        invoices: Array.from({ length: n }, (_, i) => bill(i)),
        lines: Array.from({ length: n }, (_, i) => line(i, { contact: "Someone Else" })),
      }),
      "lines matched by a reference containing the bill number": () => ({
        invoices: Array.from({ length: n }, (_, i) => bill(i, { contact: { id: "v", name: `Vendor ${i}` } })),
        lines: Array.from({ length: n }, (_, i) => line(i, { reference: `payment S-${n - 1 - i} thanks` })),
      }),
      "every line out of the window": () => ({
        invoices: Array.from({ length: n }, (_, i) => bill(i, { date: "2026-09-01", dueDate: "2026-09-02" })),
        lines: Array.from({ length: n }, (_, i) => line(i, { contact: "Streaming Co" })),
      }),
    };
    for (const [name, make] of Object.entries(shapes)) {
      it(name, () => {
        const { invoices, lines } = make();
        const found = reconcileBank(invoices, lines);
        // Quadratic work (the plain scan) is in the millions here; linear stays near a few per line.
        expect(found.steps).toBeLessThanOrEqual(40 * (invoices.length + lines.length));
        expect(claimedBy(invoices, lines)).toEqual(plainScan(invoices, lines).claimed);
      });
    }

    it("and the plain scan of the same books does not (the bound can fail)", () => {
      const { invoices, lines } = shapes["lines that match nothing"]!();
      expect(plainScan(invoices, lines).steps).toBeGreaterThan(40 * (invoices.length + lines.length));
    });
  });
});
