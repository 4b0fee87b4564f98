/**
 * Tool results are compact JSON with a hard size budget, so one tool call never floods the
 * model's context (issue 3: "only the fields a person needs, ids and links included").
 *
 * Budget: 1,500 tokens per result, enforced as 4,500 characters. Compact JSON full of ids,
 * numbers and links tokenises at about 3 characters per token (o200k), English prose at 4,
 * so 4,500 characters stays under 1,500 tokens for every tool (test/tools-catalog.test.ts
 * measures it with js-tiktoken at scale 100). When a result is larger, its longest lists
 * are cut and end with a `{"more": n}` marker telling the model (and the person) that n
 * more items exist and a narrower question will show them; over-long strings are
 * shortened with "…".
 */
import { reportError, scopeLogger, toolErrorResult } from "../../src/core/user-facing-error.ts";

export const RESULT_BUDGET_CHARS = 4500;
export const RESULT_BUDGET_TOKENS = 1500;
/** Strings longer than this (descriptions, comment bodies) are shortened first. */
const MAX_STRING = 280;
/** Lists are capped here before any measuring, so a 1,000,000-row input costs nothing. */
const MAX_LIST = 100;

export interface MoreMarker {
  more: number;
}

function isMarker(value: unknown): value is MoreMarker {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as MoreMarker).more === "number"
  );
}

/** Drops undefined/null fields and empty lists so compact rows stay compact. */
function prune(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) {
    const capped = value.length > MAX_LIST ? [...value.slice(0, MAX_LIST), { more: value.length - MAX_LIST }] : value;
    return capped.map((v) => prune(v, depth + 1));
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v) && v.length === 0 && depth > 0) continue;
      out[k] = prune(v, depth + 1);
    }
    return out;
  }
  return value;
}

function shortenStrings(value: unknown, max: number): unknown {
  if (typeof value === "string") return value.length > max ? `${value.slice(0, max - 1)}…` : value;
  if (Array.isArray(value)) return value.map((v) => shortenStrings(v, max));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shortenStrings(v, max);
    return out;
  }
  return value;
}

/** Every array in the tree (with more than one real item), for trimming. */
function lists(value: unknown, out: unknown[][] = []): unknown[][] {
  if (Array.isArray(value)) {
    if (value.filter((v) => !isMarker(v)).length > 1) out.push(value);
    for (const v of value) lists(v, out);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) lists(v, out);
  }
  return out;
}

/** Keeps `keep` real items of a list in place and folds the rest into one trailing marker. */
function trimList(list: unknown[], keep: number): void {
  const marker = isMarker(list[list.length - 1]) ? (list.pop() as MoreMarker) : undefined;
  const dropped = list.length - keep;
  if (dropped <= 0) {
    if (marker) list.push(marker);
    return;
  }
  list.splice(keep, dropped);
  list.push({ more: dropped + (marker?.more ?? 0) });
}

/**
 * Serialises a tool result within the budget. Lists are cut largest-first (by serialised
 * size), each keeping at least one item; a result that still does not fit is replaced by a
 * short notice rather than ever exceeding the budget.
 */
export function compactJson(value: unknown, maxChars = RESULT_BUDGET_CHARS): string {
  let tree = prune(value);
  let text = JSON.stringify(tree);
  if (text.length <= maxChars) return text;
  tree = shortenStrings(tree, MAX_STRING);
  text = JSON.stringify(tree);
  for (let round = 0; text.length > maxChars && round < 200; round++) {
    const candidates = lists(tree)
      .map((list) => ({ list, size: JSON.stringify(list).length, real: list.filter((v) => !isMarker(v)).length }))
      .filter((c) => c.real > 1)
      .sort((a, b) => b.size - a.size);
    const biggest = candidates[0];
    if (!biggest) break;
    const excess = text.length - maxChars;
    const perItem = biggest.size / biggest.real;
    // Drop enough items to cover the excess (plus the marker), at least one per round.
    const drop = Math.max(1, Math.ceil((excess + 16) / Math.max(perItem, 1)));
    trimList(biggest.list, Math.max(1, biggest.real - drop));
    text = JSON.stringify(tree);
  }
  if (text.length <= maxChars) return text;
  tree = shortenStrings(tree, 80);
  text = JSON.stringify(tree);
  if (text.length <= maxChars) return text;
  return JSON.stringify({ error: "The result was too large to show; ask a narrower question." });
}

/** Whole-currency rounding for display (amounts stay numbers so the model never re-parses text). */
export function money(amount: number): number {
  return Math.round(amount * 100) / 100;
}

export function pct(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** "2026-11-23T09:00:00.000Z" -> "2026-11-23T09:00Z": minutes are enough for people. */
export function shortTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  return iso.length > 16 && iso[10] === "T" ? `${iso.slice(0, 16)}Z` : iso;
}

/** Whole days between an ISO time and now (floored, never negative). */
export function daysSince(iso: string | undefined, now: number): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.floor((now - t) / 86_400_000));
}

/**
 * Runs a read tool's body and turns a failure into a compact `{"error": ...}` result the model
 * can relay: only DaybookError.userMessage text, never a stack trace or raw payload. The
 * failure is logged first (src/core/user-facing-error.ts): an unexpected one (a TypeError in
 * a connector) at error with its stack and the turn's trace id, an expected one (not found,
 * rate limited) at info or warn; returned as data, it would otherwise never reach a log.
 */
export async function runTool(body: () => Promise<unknown>, maxChars = RESULT_BUDGET_CHARS): Promise<string> {
  try {
    return compactJson(await body(), maxChars);
  } catch (error) {
    const facing = reportError(scopeLogger(), error, { msg: "tool failed", component: "tool" });
    return toolErrorResult(facing);
  }
}

/**
 * Display names of the entities read tools have returned, by id. Approval cards are built
 * synchronously from the stored args (WriteAction.describe), so a card can say "Example
 * Corp (company 5001)" instead of a bare id when the agent looked the company up first.
 */
export class EntityLabels {
  #labels = new Map<string, string>();
  #max: number;
  constructor(max = 5000) {
    this.#max = max;
  }
  remember(kind: string, id: string, label: string): void {
    const key = `${kind}:${id}`;
    this.#labels.delete(key);
    this.#labels.set(key, label);
    if (this.#labels.size > this.#max) {
      const oldest = this.#labels.keys().next().value;
      if (oldest !== undefined) this.#labels.delete(oldest);
    }
  }
  get(kind: string, id: string): string | undefined {
    return this.#labels.get(`${kind}:${id}`);
  }
}

/** Display for approval cards in the record's own currency: "$8,500.00", "€8,500.00". */
export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}
