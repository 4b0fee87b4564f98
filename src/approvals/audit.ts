import type { Clock } from "../core/clock.ts";
import { systemClock } from "../core/clock.ts";
import type { Store } from "../core/store.ts";

export const AUDIT_KEY = "audit:log";

/** Bounded so a busy deployment cannot grow one Redis list without limit. */
export const AUDIT_MAX_ENTRIES = 100_000;

export type AuditEvent = "requested" | "approved" | "rejected" | "expired" | "executed" | "failed" | "refused";

export interface AuditEntry {
  at: number;
  approvalId: string;
  tool: string;
  argsHash: string;
  /** Who caused the event: the requester, the clicker, or "daybook" for execution results. */
  actor: { id: string; name: string };
  event: AuditEvent;
  /** Readable result or reason ("Logged call on Example Corp", "self approval not allowed"). */
  outcome?: string;
}

/** Append-only audit trail of approvals, one JSON entry per line of a Store list. */
/** What callers append: the entry without its timestamp (the log stamps it). */
export type AuditEntryInput = Omit<AuditEntry, "at"> & { at?: number };

export class AuditLog {
  readonly #store: Store;
  readonly #clock: Clock;

  readonly #onAppend: ((entry: AuditEntry) => void) | undefined;

  /** `onAppend` sees each entry once it is stored (metrics count approvals by event). */
  constructor(store: Store, options: { clock?: Clock; onAppend?: (entry: AuditEntry) => void } = {}) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
    this.#onAppend = options.onAppend;
  }

  async append(entry: AuditEntryInput): Promise<AuditEntry> {
    const full: AuditEntry = { ...entry, at: entry.at ?? this.#clock.now() };
    await this.#store.append(AUDIT_KEY, JSON.stringify(full), { maxLength: AUDIT_MAX_ENTRIES });
    this.#onAppend?.(full);
    return full;
  }

  /** The newest `limit` entries, oldest first. */
  async list(limit = 100): Promise<AuditEntry[]> {
    if (limit <= 0) return [];
    const raw = await this.#store.range(AUDIT_KEY, -limit, -1);
    const out: AuditEntry[] = [];
    for (const line of raw) {
      try {
        out.push(JSON.parse(line) as AuditEntry);
      } catch {
        // A hand-edited or truncated entry must not hide the rest of the trail.
      }
    }
    return out;
  }
}

const columns: { title: string; width?: number; get: (e: AuditEntry) => string }[] = [
  { title: "TIME (UTC)", get: (e) => new Date(e.at).toISOString().slice(0, 19).replace("T", " ") },
  { title: "APPROVAL", get: (e) => e.approvalId },
  { title: "EVENT", get: (e) => e.event },
  { title: "TOOL", get: (e) => e.tool },
  {
    title: "ACTOR",
    width: 28,
    get: (e) => (e.actor.name === e.actor.id ? e.actor.id : `${e.actor.name} (${e.actor.id})`),
  },
  { title: "ARGS SHA-256", get: (e) => e.argsHash },
  { title: "OUTCOME", get: (e) => e.outcome ?? "" },
];

/** Fixed-width text table for `npm run audit`; the last column is not padded. */
export function formatAuditTable(entries: AuditEntry[]): string {
  if (entries.length === 0) return "No approval activity recorded yet.";
  const rows = entries.map((e) => columns.map((c) => oneLine(c.get(e))));
  const widths = columns.map((c, i) => {
    const natural = Math.max(c.title.length, ...rows.map((r) => (r[i] ?? "").length));
    return c.width === undefined ? natural : Math.min(natural, c.width);
  });
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? cell.length;
        const fitted = cell.length > width ? `${cell.slice(0, width - 1)}…` : cell;
        return i === cells.length - 1 ? fitted : fitted.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const header = render(columns.map((c) => c.title));
  const rule = widths.map((w, i) => "-".repeat(i === widths.length - 1 ? Math.max(w, 7) : w)).join("  ");
  return [header, rule, ...rows.map(render)].join("\n");
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}
