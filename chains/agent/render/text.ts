/**
 * Small wording helpers every renderer shares: plurals, casing, safe field reads, short lists.
 * None computes a figure; they only pick and phrase what a tool returned.
 */
import type { Obj } from "./types.ts";

const maxText = 3_000;

/** A reply past the chat limit, cut with a note that more is available. */
export function clip(text: string): string {
  return text.length > maxText ? `${text.slice(0, maxText)}\n_(more available)_` : text;
}

export function label(key: string): string {
  const w = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return w.charAt(0).toUpperCase() + w.slice(1);
}

export function words(enumValue: string): string {
  return enumValue.replace(/_/g, " ");
}

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

/** A tool's amount in its currency ($12,000; cents only when the value has them). */
export function money(amount: unknown, currency: unknown): string {
  if (typeof amount !== "number") return "?";
  const code = typeof currency === "string" ? currency : "USD";
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: code,
      maximumFractionDigits: Number.isInteger(amount) ? 0 : 2,
    }).format(amount);
  } catch {
    return `${amount} ${code}`;
  }
}

export function scalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** 0.85 -> "85%"; the tool's own precision is kept (0.855 -> "85.5%"). */
export function pctOf(p: number): string {
  return `${Math.round(p * 100 * 1000) / 1000}%`;
}

export function plural(n: number, one: string, many?: string): string {
  return `${n} ${n === 1 ? one : (many ?? `${one}s`)}`;
}

export function days(n: number): string {
  return plural(n, "day");
}

export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

export function listed(items: Obj[], line: (o: Obj) => string, max: number): string[] {
  const out = items.slice(0, max).map(line);
  if (items.length > max) out.push(`- and ${items.length - max} more`);
  return out;
}

/** Newest first; items without a timestamp keep their order at the end. */
export function recent(activities: Obj[], n: number): Obj[] {
  const t = (a: Obj) => (typeof a.at === "string" ? Date.parse(a.at) : Number.NEGATIVE_INFINITY);
  return [...activities].sort((a, b) => t(b) - t(a)).slice(0, n);
}
