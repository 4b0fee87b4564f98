/**
 * Bank line to book entry matching, linear on adversarial input. A bank line claims the first
 * book entry (in the order the books list them) of the same signed amount that is not used yet,
 * is dated or due within the window, and shares the line's reference or contact. A bucket of one
 * amount can hold tens of thousands of entries (subscriptions, payroll), so scanning it per line
 * is quadratic (issue 11 measured 11-69 s at 100,000 lines). Here:
 * - each bucket keeps a head at its first unused entry: used entries are passed once, ever;
 * - when the head does not match and the bucket is large, a lazily built index answers "first
 *   unused entry with this contact / reference / number, dated or due on day d", one queue per
 *   (key, day) with its own moving head, so the winner is the smallest insertion rank among a
 *   bounded number of queue heads. Same winner as the plain scan, found without rescanning.
 */
import { cents, dayNumber, inactive, norm } from "./close-keys.ts";
import { BANK_REASONS, type CheckBankLine, type CheckInvoice, type FindingsOptions } from "./close-types.ts";

/** The fields of a book entry the matcher reads, normalized once. */
export interface LedgerEntry {
  /** Position in the input's invoice list. */
  index: number;
  /** Rank within its amount bucket: the plain scan's order, so the smallest rank wins. */
  rank: number;
  days: number;
  dueDays: number;
  ref: string;
  number: string;
  contact: string;
  used: boolean;
}

/** A bank line as the matcher sees it: day number, normalized reference and contact. */
export interface LineKey {
  day: number;
  ref: string;
  contact: string;
}

/** Counts ledger entries looked at, so tests can assert linear work without timing anything. */
export interface StepCounter {
  steps: number;
}

interface Queue {
  items: LedgerEntry[];
  head: number;
}

/** Entries sharing one contact, reference or number, in rank order; by day once there are many. */
interface KeyIndex extends Queue {
  byDay: Map<number, Queue> | undefined;
  byDue: Map<number, Queue> | undefined;
}

interface BucketIndex {
  byContact: Map<string, KeyIndex>;
  byRef: Map<string, KeyIndex>;
  byNumber: Map<string, KeyIndex>;
  /** Distinct lengths of the entries' numbers (0 included), ascending: the substrings to try. */
  numberLengths: number[];
  /** firstChars[c] = 1 when some number starts with char code c: most substrings are skipped unsliced. */
  firstChars: Uint8Array;
}

export interface Bucket {
  entries: LedgerEntry[];
  head: number;
  index: BucketIndex | undefined;
}

/** Up to this many entries after the head, a scan is cheaper than building the index. */
const SCAN_MAX = 32;

export function newBucket(): Bucket {
  return { entries: [], head: 0, index: undefined };
}

function inWindow(entry: LedgerEntry, line: LineKey, window: number): boolean {
  return Math.abs(line.day - entry.days) <= window || Math.abs(line.day - entry.dueDays) <= window;
}

function sameRefOrContact(entry: LedgerEntry, line: LineKey): boolean {
  const { ref, contact } = line;
  // `ref.includes("")` is true: an entry without a number matches any referenced line (kept as it was).
  const sameRef = ref !== "" && (ref === entry.number || ref === entry.ref || ref.includes(entry.number));
  return sameRef || (contact !== "" && contact === entry.contact);
}

/** Marks and returns the entry `line` claims, or undefined when nothing in the bucket fits. */
export function claim(bucket: Bucket, line: LineKey, window: number, counter: StepCounter): LedgerEntry | undefined {
  const { entries } = bucket;
  while (bucket.head < entries.length && entries[bucket.head]!.used) {
    bucket.head++;
    counter.steps++;
  }
  if (bucket.head === entries.length) return undefined;
  counter.steps++;
  const first = entries[bucket.head]!;
  let found: LedgerEntry | undefined;
  if (inWindow(first, line, window) && sameRefOrContact(first, line)) found = first;
  else if (entries.length - bucket.head <= SCAN_MAX) {
    for (let i = bucket.head + 1; i < entries.length && !found; i++) {
      counter.steps++;
      const e = entries[i]!;
      if (!e.used && inWindow(e, line, window) && sameRefOrContact(e, line)) found = e;
    }
  } else {
    bucket.index ??= buildIndex(entries, bucket.head, counter);
    found = lookup(bucket.index, line, window, counter);
  }
  if (found) found.used = true;
  return found;
}

function addTo(map: Map<string, KeyIndex>, key: string, entry: LedgerEntry): void {
  const k = map.get(key);
  if (k) k.items.push(entry);
  else map.set(key, { items: [entry], head: 0, byDay: undefined, byDue: undefined });
}

function buildIndex(entries: LedgerEntry[], from: number, counter: StepCounter): BucketIndex {
  const index: BucketIndex = {
    byContact: new Map(),
    byRef: new Map(),
    byNumber: new Map(),
    numberLengths: [],
    // norm() leaves [a-z0-9], so 128 slots cover every first character.
    firstChars: new Uint8Array(128),
  };
  const lengths = new Set<number>();
  // In rank order, so every list is sorted by rank and its first unused entry is its earliest.
  for (let i = from; i < entries.length; i++) {
    const e = entries[i]!;
    counter.steps++;
    if (e.used) continue;
    // Keys that can never match are left out: a line needs a non-empty contact or reference.
    if (e.contact !== "") addTo(index.byContact, e.contact, e);
    if (e.ref !== "") addTo(index.byRef, e.ref, e);
    addTo(index.byNumber, e.number, e);
    lengths.add(e.number.length);
    if (e.number !== "") index.firstChars[e.number.charCodeAt(0) & 127] = 1;
  }
  index.numberLengths = [...lengths].sort((a, b) => a - b);
  return index;
}

/** Advances past used entries (each is passed once per list it is in) and returns the first unused one. */
function queueHead(q: Queue, counter: StepCounter): LedgerEntry | undefined {
  while (q.head < q.items.length && q.items[q.head]!.used) {
    q.head++;
    counter.steps++;
  }
  counter.steps++;
  return q.items[q.head];
}

function byDays(items: LedgerEntry[], from: number, day: (e: LedgerEntry) => number): Map<number, Queue> {
  const map = new Map<number, Queue>();
  for (let i = from; i < items.length; i++) {
    const e = items[i]!;
    const q = map.get(day(e));
    if (q) q.items.push(e);
    else map.set(day(e), { items: [e], head: 0 });
  }
  return map;
}

/** The earliest unused entry of `k` in the window, if it ranks before `best`. */
function earliestInKey(
  k: KeyIndex,
  line: LineKey,
  window: number,
  best: LedgerEntry | undefined,
  counter: StepCounter,
): LedgerEntry | undefined {
  const first = queueHead(k, counter);
  if (!first || (best && first.rank >= best.rank)) return best;
  if (k.items.length - k.head <= SCAN_MAX) {
    for (let i = k.head; i < k.items.length; i++) {
      const e = k.items[i]!;
      counter.steps++;
      if (best && e.rank >= best.rank) break;
      if (!e.used && inWindow(e, line, window)) return e;
    }
    return best;
  }
  k.byDay ??= byDays(k.items, k.head, (e) => e.days);
  k.byDue ??= byDays(k.items, k.head, (e) => e.dueDays);
  return earliestOnDays(k.byDue, line, window, earliestOnDays(k.byDay, line, window, best, counter), counter);
}

function earliestOnDays(
  days: Map<number, Queue>,
  line: LineKey,
  window: number,
  best: LedgerEntry | undefined,
  counter: StepCounter,
): LedgerEntry | undefined {
  const reach = Math.floor(window);
  // Probe each day of the window, or walk the days present when there are fewer of them (a wide window).
  if (2 * reach + 1 <= days.size) {
    for (let d = line.day - reach; d <= line.day + reach; d++) {
      const q = days.get(d);
      const head = q && queueHead(q, counter);
      if (head && (!best || head.rank < best.rank)) best = head;
    }
  } else {
    for (const [d, q] of days) {
      if (!(Math.abs(line.day - d) <= window)) continue;
      const head = queueHead(q, counter);
      if (head && (!best || head.rank < best.rank)) best = head;
    }
  }
  return best;
}

function lookup(index: BucketIndex, line: LineKey, window: number, counter: StepCounter): LedgerEntry | undefined {
  let best: LedgerEntry | undefined;
  const { ref, contact } = line;
  if (contact !== "") {
    const k = index.byContact.get(contact);
    if (k) best = earliestInKey(k, line, window, best, counter);
  }
  if (ref !== "") {
    const k = index.byRef.get(ref);
    if (k) best = earliestInKey(k, line, window, best, counter);
    // An entry's number matches when the line's reference contains it: try each substring of a
    // length some number has. Bounded by the reference's length, not by the bucket.
    for (const len of index.numberLengths) {
      if (len > ref.length) break;
      for (let i = 0; i + len <= ref.length; i++) {
        if (len > 0 && index.firstChars[ref.charCodeAt(i) & 127] === 0) continue;
        const n = index.byNumber.get(len === 0 ? "" : ref.slice(i, i + len));
        if (n) best = earliestInKey(n, line, window, best, counter);
        if (len === 0) break;
      }
    }
  }
  return best;
}

export function reconcileBank(
  invoices: readonly CheckInvoice[],
  bankTransactions: readonly CheckBankLine[],
  opts: FindingsOptions = {},
): {
  unmatchedTx: number[];
  /** Positions in BANK_REASONS. */
  unmatchedReason: number[];
  reconciled: number;
  matched: number;
  steps: number;
  /** Per bank line, the position of the invoice this check matched it to, or -1. */
  claimedBy: Int32Array;
} {
  const window = opts.matchWindowDays ?? 7;
  const feeMax = opts.feeMaxAmount ?? 100;
  // Book side keyed by signed amount in cents: bills are money out, sales invoices money in.
  const ledger = new Map<number, Bucket>();
  const byId = new Map<string, LedgerEntry>();
  invoices.forEach((invoice, index) => {
    if (inactive.has(invoice.status)) return;
    const signed = invoice.type === "ACCPAY" ? -cents(invoice.total) : cents(invoice.total);
    let bucket = ledger.get(signed);
    if (!bucket) {
      bucket = newBucket();
      ledger.set(signed, bucket);
    }
    const entry: LedgerEntry = {
      index,
      rank: bucket.entries.length,
      days: dayNumber(invoice.date),
      dueDays: invoice.dueDate ? dayNumber(invoice.dueDate) : dayNumber(invoice.date),
      ref: norm(invoice.reference),
      number: norm(invoice.number),
      contact: norm(invoice.contact.name),
      used: false,
    };
    bucket.entries.push(entry);
    byId.set(invoice.id, entry);
    if (entry.number !== "") byId.set(invoice.number, entry);
  });

  let reconciled = 0;
  for (const tx of bankTransactions) {
    if (!tx.reconciled) continue;
    reconciled++;
    const entry = tx.matchedTo ? byId.get(tx.matchedTo) : undefined;
    if (entry) entry.used = true;
  }

  let matched = 0;
  const counter: StepCounter = { steps: 0 };
  const unmatchedTx: number[] = [];
  const reasons: number[] = [];
  const claimedBy = new Int32Array(bankTransactions.length).fill(-1);
  bankTransactions.forEach((tx, i) => {
    if (tx.reconciled) return;
    const bucket = ledger.get(cents(tx.amount));
    const line = { day: dayNumber(tx.date), ref: norm(tx.reference), contact: norm(tx.contact) };
    const entry = bucket && claim(bucket, line, window, counter);
    if (entry) {
      matched++;
      claimedBy[i] = entry.index;
    } else {
      unmatchedTx.push(i);
      reasons.push(unmatchedReasonCode(tx, feeMax));
    }
  });
  return { unmatchedTx, unmatchedReason: reasons, reconciled, matched, steps: counter.steps, claimedBy };
}

export function unmatchedReasonCode(tx: CheckBankLine, feeMax = 100): number {
  const text = `${tx.description} ${tx.reference ?? ""}`;
  if (tx.amount < 0) {
    if (/\b(fee|charge|commission)s?\b/i.test(text) && -tx.amount <= feeMax) return 0;
    if (/\bwire\b|\btransfer\b/i.test(text) || tx.kind === "TRANSFER") return 1;
    return 2;
  }
  if (/\brefund/i.test(text)) return 3;
  return 4;
}

export function unmatchedReason(tx: CheckBankLine, feeMax = 100): string {
  return BANK_REASONS[unmatchedReasonCode(tx, feeMax)]!;
}
