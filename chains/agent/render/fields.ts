/**
 * Tool values in human form: money in the record's currency, "November 2026", "this morning",
 * "85%"; and the generic field-by-field layout for results no domain renderer knows.
 */
import { dayNumber, localHour, localYear, tzLabel } from "./clock.ts";
import { isObj, label, pctOf, scalar, str, words } from "./text.ts";
import type { Obj, RenderContext } from "./types.ts";

const maxItems = 10;
const titleKeys = ["name", "title", "summary", "key", "number", "subject", "account", "description", "id"];
const skipKeys = new Set(["url", "id", "lc", "type_"]);

const moneyKeys =
  /^(amount|total|arr|pipeline|weighted|weightedPipeline|moneyIn|moneyOut|netProfit|netProfitPrevious|totalIncome|totalExpenses|current|previous|arrAtHighRisk|balance|subtotal)$/;

export class Fields {
  readonly #ctx: RenderContext;
  readonly #currency: string | undefined;

  constructor(ctx: RenderContext, currency: string | undefined) {
    this.#ctx = ctx;
    this.#currency = currency;
  }

  /**
   * Money in the record's currency (deals, customers, invoices each carry one), else the
   * result's; USD only for a result that names no currency at all (an empty pipeline's zero).
   */
  money(amount: unknown, record?: Obj): string {
    if (typeof amount !== "number") return String(amount ?? "");
    const currency = (record && str(record.currency)) ?? this.#currency ?? "USD";
    const whole = Number.isInteger(amount);
    try {
      return new Intl.NumberFormat("en-US", {
        style: "currency",
        currency,
        minimumFractionDigits: whole ? 0 : 2,
        maximumFractionDigits: whole ? 0 : 2,
      }).format(amount);
    } catch {
      return `${amount.toLocaleString("en-US")} ${currency}`;
    }
  }

  /** "November 2026" for "2026-11". */
  month(v: unknown): string {
    const m = typeof v === "string" ? /^(\d{4})-(\d{2})$/.exec(v) : null;
    if (!m) return String(v ?? "month-end");
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    return d.toLocaleDateString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
  }

  /**
   * A tool timestamp relative to the clock: "this morning", "yesterday", "tomorrow 2:00 PM UTC";
   * further away, a plain date. Dates without a time ("2026-11-13") are shown as dates.
   */
  when(v: unknown, withTime = false): string | undefined {
    if (typeof v !== "string") return undefined;
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
    const at = Date.parse(dateOnly ? `${v}T00:00:00Z` : v);
    if (!Number.isFinite(at)) return v;
    const tz = dateOnly ? "UTC" : (this.#ctx.timeZone ?? "UTC");
    const day = (t: number) => dayNumber(t, tz);
    const diff = day(at) - day(this.#ctx.now);
    const sameYear = localYear(at, tz) === localYear(this.#ctx.now, tz);
    const date = new Date(at).toLocaleDateString("en-US", {
      month: "short",
      day: "numeric",
      ...(sameYear ? {} : { year: "numeric" }),
      timeZone: tz,
    });
    if (dateOnly) return date;
    const time = `${new Date(at).toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit", timeZone: tz })} ${tzLabel(tz)}`;
    if (diff === 0) {
      if (withTime) return `today ${time}`;
      if (at > this.#ctx.now) return "later today";
      const hour = localHour(at, tz);
      return hour < 12 ? "this morning" : hour < 18 ? "this afternoon" : "this evening";
    }
    if (diff === -1) return withTime ? `yesterday ${time}` : "yesterday";
    if (diff === 1) return withTime ? `tomorrow ${time}` : "tomorrow";
    return withTime ? `${date} ${time}` : `on ${date}`;
  }

  show(key: string, v: string | number | boolean, record: Obj): string {
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "number") {
      if (moneyKeys.test(key)) return this.money(v, record);
      if (key === "probability" && v >= 0 && v <= 1) return pctOf(v);
      if (/pct$/i.test(key)) return `${v}%`;
      // Thousands separators only; the digits stay exactly the tool's.
      if (Number.isInteger(v) && Math.abs(v) >= 10_000) return v.toLocaleString("en-US");
      return String(v);
    }
    if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z)?$/.test(v)) {
      const w = this.when(v, v.length > 10) ?? v;
      return w.startsWith("on ") ? w.slice(3) : w;
    }
    if (/^[a-z]+(_[a-z]+)+$/.test(v)) return words(v);
    return v;
  }

  value(value: unknown, depth: number): string[] {
    if (scalar(value)) return [this.show("", value, {})];
    if (Array.isArray(value)) return this.list(value, depth);
    if (!isObj(value)) return [];
    const obj = value;
    const lines: string[] = [];
    const { title } = titleOf(obj);
    if (depth === 0 && title && Object.values(obj).every((v) => !Array.isArray(v) || v.length === 0)) {
      // A single record (a deal, a customer): one line of identity, then its fields.
      lines.push(this.inline(obj, 0));
      return lines;
    }
    for (const [k, v] of Object.entries(obj)) {
      if (v === null || v === undefined || v === "" || skipKeys.has(k)) continue;
      if (scalar(v)) lines.push(`${label(k)}: ${this.show(k, v, obj)}`);
      else if (Array.isArray(v)) {
        if (v.length === 0) lines.push(`${label(k)}: none`);
        else if (v.every(scalar)) lines.push(`${label(k)}: ${v.map((x) => this.show("", x, obj)).join(", ")}`);
        else lines.push(`**${label(k)}**`, ...this.list(v, depth + 1));
      } else if (isObj(v)) {
        const nested = this.inline(v, depth + 1);
        if (nested) lines.push(`${label(k)}: ${nested}`);
      }
    }
    return lines;
  }

  inline(obj: Obj, depth: number): string {
    const { title, used } = titleOf(obj);
    const parts: string[] = [];
    for (const [k, v] of Object.entries(obj)) {
      if (k === used || (used === "key+summary" && (k === "key" || k === "summary")) || skipKeys.has(k)) continue;
      if (k === "currency" && Object.keys(obj).some((o) => moneyKeys.test(o))) continue;
      if (v === null || v === undefined || v === "") continue;
      if (scalar(v)) parts.push(`${label(k)}: ${this.show(k, v, obj)}`);
      else if (Array.isArray(v)) {
        if (v.length === 0) continue;
        if (v.every(scalar)) parts.push(`${label(k)}: ${v.map((x) => this.show("", x, obj)).join(", ")}`);
        else if (depth < 2)
          parts.push(
            `${label(k)}: ${v
              .slice(0, 3)
              .map((x) => (isObj(x) ? this.inline(x, depth + 1) : String(x)))
              .join("; ")}`,
          );
      } else if (isObj(v) && depth < 2) {
        const nested = this.inline(v, depth + 1);
        if (nested) parts.push(`${label(k)}: ${nested}`);
      }
    }
    const url = typeof obj.url === "string" ? obj.url : undefined;
    const head = url && title ? `[${title.replace(/\*\*|`/g, "")}](${url})` : title;
    return [head, parts.join(" · ")].filter(Boolean).join(" — ");
  }

  list(items: unknown[], depth: number): string[] {
    const lines = items.slice(0, maxItems).map((item) => {
      if (scalar(item)) return `- ${this.show("", item, {})}`;
      if (isObj(item)) return `- ${this.inline(item, depth)}`;
      return "- ";
    });
    if (items.length > maxItems) lines.push(`- and ${items.length - maxItems} more`);
    return lines;
  }
}

function titleOf(obj: Obj): { title: string; used: string | undefined } {
  // Issue keys lead ("PROJ-12 Fix login") because people refer to issues by key.
  if (typeof obj.key === "string" && typeof obj.summary === "string") {
    return { title: `\`${obj.key}\` ${obj.summary}`, used: "key+summary" };
  }
  for (const k of titleKeys) {
    const v = obj[k];
    if (scalar(v) && String(v).trim() !== "") return { title: `**${String(v)}**`, used: k };
    if (isObj(v) && typeof v.name === "string") return { title: `**${v.name}**`, used: k };
  }
  return { title: "", used: undefined };
}

/** The first currency code a result carries (invoices, P&L), for its uncurrencied amounts. */
export function currencyIn(value: unknown, depth = 0): string | undefined {
  if (depth > 3) return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const c = currencyIn(v, depth + 1);
      if (c) return c;
    }
    return undefined;
  }
  if (!isObj(value)) return undefined;
  if (typeof value.currency === "string" && /^[A-Z]{3}$/.test(value.currency)) return value.currency;
  for (const v of Object.values(value)) {
    if (typeof v !== "object" || v === null) continue;
    const c = currencyIn(v, depth + 1);
    if (c) return c;
  }
  return undefined;
}
