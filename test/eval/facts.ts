/**
 * What a reply must or must not carry, as small predicates over its text, and the one place
 * that recognises an honest refusal. Facts are built from the organisation's data (data.ts),
 * never from a reply: `name("Acme Corp")`, `money(8500)`, `key("ENG-145")`.
 */

export interface Fact {
  label: string;
  test(text: string): boolean;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A name, key or phrase, case-insensitive, on word boundaries where the text has letters. */
export function name(value: string): Fact {
  const bare = value.replace(/\s+(Inc|Corp|LLC|Co|Ltd)\.?$/i, "");
  const re = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRe(bare)}($|[^\\p{L}\\p{N}])`, "iu");
  return { label: value, test: (text) => re.test(text) };
}

export const key = name;

/** Any one of several facts (a figure may be written two ways). */
export function anyOf(label: string, ...facts: Fact[]): Fact {
  return { label, test: (text) => facts.some((f) => f.test(text)) };
}

export function allOf(label: string, ...facts: Fact[]): Fact {
  return { label, test: (text) => facts.every((f) => f.test(text)) };
}

/** Every figure written in `text` as a number: "$8,500.00" 8500, "€1.2M" 1200000, "$96K" 96000. */
export function figures(text: string): { value: number; precision: number }[] {
  const out: { value: number; precision: number }[] = [];
  for (const m of text.matchAll(
    /(?<![\p{L}\d-])-?[$€£]?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?([KkMm])?(?![\p{L}\d])/gu,
  )) {
    const whole = (m[1] ?? "").replaceAll(",", "");
    const decimals = m[2] ?? "";
    const scale = m[3] ? (m[3].toLowerCase() === "k" ? 1_000 : 1_000_000) : 1;
    const value = Number(whole + decimals) * scale;
    // The smallest unit the written form can show, so "$1.2M" matches 1,234,000.
    const precision = (decimals ? 10 ** -(decimals.length - 1) : 1) * scale;
    out.push({ value, precision });
  }
  return out;
}

/** An amount of money (either sign), to the precision it is written with. */
export function money(amount: number): Fact {
  const target = Math.abs(amount);
  return {
    label: `${target.toLocaleString("en-US", { maximumFractionDigits: 2 })}`,
    test: (text) =>
      figures(text).some(({ value, precision }) => Math.abs(value - target) <= Math.max(0.005, precision / 2 + 0.005)),
  };
}

/** A percentage such as 72 %. */
export function percent(value: number): Fact {
  const re = new RegExp(`(^|[^\\d.])${Math.round(value)}(\\.\\d+)?\\s?%`);
  return { label: `${Math.round(value)}%`, test: (text) => re.test(text) };
}

/** A count written as a number ("3 unreconciled"). */
export function count(n: number, noun?: string): Fact {
  const re = noun ? new RegExp(`\\b${n}\\s+(\\S+\\s+)?${noun}`, "i") : new RegExp(`(^|[^\\d.,])${n}($|[^\\d.,%])`);
  return { label: noun ? `${n} ${noun}` : String(n), test: (text) => re.test(text) };
}

export function pattern(label: string, re: RegExp): Fact {
  return { label, test: (text) => re.test(text) };
}

/** The reply says there is nothing of the kind ("no deals close this month", "none"). */
export const saysNone = pattern(
  "says there are none",
  /\b(there (are|is) no|none\b|no (open |matching |such )?(deals?|issues?|bills?|invoices?|bank (lines?|transactions?)|transactions?|blockers?)\b|nothing (closes|matches|is|to))/i,
);

/**
 * An honest refusal: the reply says it cannot do this, is not allowed to, or does not know,
 * instead of answering something else. Defined once; every turn is scored with it.
 */
const cannot =
  /\b(i\s+(can['’]?t|cannot|can not|am unable to|['’]m unable to|am not able to|['’]m not able to|don['’]?t have (a way|access|the (ability|data|tools?))|have no (way|tool|access))|(can['’]?t|cannot) (do|help with|show|export|set|schedule|remind)|not (something|a thing) i can|isn['’]?t something i can|unable to|not (yet )?supported|no tool (for|to)|outside what i can)\b/i;
const noAccess =
  /\b(your roles?|access|permission|not allowed|not permitted|aren['’]?t allowed|isn['’]?t available to you|restricted)\b/i;

/** "I could not match that to a question I can answer. You can ask me ...": honest, claims nothing. */
const notUnderstood = /\b(i could not match that|i (don['’]?t|do not) understand|not sure what you mean)\b/i;

export function isRefusal(text: string): boolean {
  return cannot.test(text) || notUnderstood.test(text) || /\bnot allowed\b|\bnot permitted\b/i.test(text);
}

export function isAccessRefusal(text: string): boolean {
  return isRefusal(text) && noAccess.test(text);
}

const stop = new Set([
  "from",
  "with",
  "that",
  "this",
  "have",
  "been",
  "into",
  "the",
  "and",
  "for",
  "on",
  "of",
  "to",
  "a",
  "an",
]);

/** A reason or summary in other words: its significant words (4+ letters) all appear. */
export function words(phrase: string): Fact {
  const parts = phrase
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 4 && !stop.has(w));
  return { label: phrase, test: (text) => parts.every((w) => text.toLowerCase().includes(w)) };
}

const monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** A calendar day, written as 2026-12-14, Dec 14, 14 December or 14.12. */
export function date(iso: string): Fact {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number) as [number, number, number];
  const mon = monthNames[m - 1] as string;
  const res = [
    new RegExp(iso.slice(0, 10)),
    new RegExp(`\\b${mon}[a-z]*\\.?\\s+${d}(st|nd|rd|th)?\\b`, "i"),
    new RegExp(`\\b${d}(st|nd|rd|th)?\\s+${mon}`, "i"),
    new RegExp(`\\b0?${d}\\.0?${m}\\.(${y})?`),
  ];
  return { label: iso.slice(0, 10), test: (text) => res.some((re) => re.test(text)) };
}
