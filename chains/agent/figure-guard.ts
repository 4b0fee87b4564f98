/**
 * ARCHITECTURE.md decision 2 for a language model's reply: a figure in the final text that no
 * tool returned this turn (and the asker did not say) is not shown. Digests do the same for
 * their narrative (chains/digests/narrative.ts); here the model writes the whole reply, so the
 * statements carrying an unsourced figure are dropped and the reply says so, instead of
 * discarding an otherwise grounded answer.
 *
 * A figure is grounded when some source number matches it at the precision the reply shows:
 * "$48.5k" matches 48,450..48,549, "72%" matches 72 or 0.72, "3 deals" matches a list of
 * three. Identifiers (PROJ-123, INV-0001, approval ids) are not figures.
 */

export interface FigureSources {
  /** Tool message texts of the turn (compact JSON or sentences). */
  toolResults: string[];
  /** What the asker said (and earlier user turns): echoing their own numbers is fine. */
  userText: string[];
  /** The turn's date (YYYY-MM-DD) and other context the prompt gave. */
  context: string[];
}

export interface GuardedReply {
  text: string;
  /** Figures as written in the reply that no source returned. */
  ungrounded: string[];
}

interface Figure {
  raw: string;
  value: number;
  /** Half a unit of the last digit shown, in the figure's own scale. */
  slack: number;
  percent: boolean;
}

// A number that is not glued to letters (ids like PROJ-123, INV-0001 or "2nd" are not
// figures), with an optional currency sign, thousands separators, decimals and a unit suffix.
// Dates count: "2026-11-23" is three figures, each of which a source must state. A time of day
// ("8:40") and a denominator ("45/100") are not figures: times are the tools' timestamps in the
// organisation's timezone, scales are the tools' own.
const figurePattern =
  /(?<![\p{L}\p{N}_./:]|\p{L}-)([$€£¥]\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s?(?:%|k\b|K\b|m\b|M\b|bn\b|million\b|thousand\b))?(?![\p{L}\p{N}_]|:\d)/gu;
/** Link targets and bare URLs: their numbers are addresses, not figures. */
const urlPattern = /\]\([^)\s]*\)|https?:\/\/\S+/g;

const scales: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6, bn: 1e9 };

function figuresIn(text: string): Figure[] {
  const out: Figure[] = [];
  for (const m of text.replace(urlPattern, " ").matchAll(figurePattern)) {
    const [raw, , whole = "", fraction = "", suffixRaw = ""] = m;
    const suffix = suffixRaw.trim().toLowerCase();
    const scale = scales[suffix] ?? 1;
    const decimals = fraction ? fraction.length - 1 : 0;
    const value = Number(`${whole.replace(/,/g, "")}${fraction}`) * scale;
    if (!Number.isFinite(value)) continue;
    out.push({ raw: raw.trim(), value, slack: 0.5 * 10 ** -decimals * scale, percent: suffix === "%" });
  }
  return out;
}

/** Every number a source states, and the length of every list in a JSON source. */
function sourceNumbers(sources: FigureSources): number[] {
  const values: number[] = [0, 1];
  const texts = [...sources.toolResults, ...sources.userText, ...sources.context];
  for (const text of texts) {
    for (const f of figuresIn(text)) values.push(f.value);
    // JSON numbers such as -1200.5 or 0.72 (the pattern above skips a sign and a leading dot).
    for (const m of text.matchAll(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)) values.push(Number(m[0]));
  }
  const lengths: number[] = [];
  for (const text of sources.toolResults) collectLengths(parseJson(text), lengths);
  // A count of listed items ("and 8 more", "3 of them") is a part of a list the tools returned:
  // any whole number up to the longest list (or its {"more": n} total) stands.
  const longest = Math.max(0, ...lengths) + Math.max(0, ...moreTotals(sources.toolResults));
  for (let n = 2; n <= Math.min(longest, 200); n++) values.push(n);
  values.push(...dayDistances(sources));
  return [...values, ...lengths].filter((v) => Number.isFinite(v)).map((v) => Math.abs(v));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const DAY_MS = 86_400_000;
const isoDate = /\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?/g;

/** "in 20 days", "silent for 9 days": whole days between the turn's date and any date a tool gave. */
function dayDistances(sources: FigureSources): number[] {
  const today = sources.context.map((c) => Date.parse(c.slice(0, 10))).find((t) => Number.isFinite(t));
  if (today === undefined) return [];
  const out: number[] = [];
  for (const text of sources.toolResults) {
    for (const m of text.matchAll(isoDate)) {
      const t = Date.parse(m[0].length === 10 ? m[0] : m[0].endsWith("Z") ? m[0] : `${m[0]}Z`);
      if (!Number.isFinite(t)) continue;
      const days = Math.abs(t - today) / DAY_MS;
      out.push(Math.floor(days), Math.ceil(days), Math.round(days));
    }
  }
  return out;
}

/** Items a result left out (`{"more": n}` markers, tools/shared/compact.ts) plus those it shows. */
function moreTotals(results: string[]): number[] {
  const out: number[] = [];
  for (const text of results) {
    for (const m of text.matchAll(/"more":(\d+)/g)) out.push(Number(m[1]));
  }
  return out;
}

function collectLengths(value: unknown, out: number[]): void {
  if (Array.isArray(value)) {
    out.push(value.length);
    for (const v of value) collectLengths(v, out);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) collectLengths(v, out);
  }
}

function grounded(f: Figure, known: number[]): boolean {
  // "42%" may be a tool's 0.42: only a fraction reads as a percentage that way, not a count of 3.
  return known.some(
    (a) => Math.abs(a - f.value) <= f.slack || (f.percent && a <= 1 && Math.abs(a * 100 - f.value) <= f.slack),
  );
}

/** The reply's figures that no source returned, as written. */
export function ungroundedFigures(text: string, sources: FigureSources): string[] {
  const figures = figuresIn(text);
  if (figures.length === 0) return [];
  const known = sourceNumbers(sources);
  return figures.filter((f) => !grounded(f, known)).map((f) => f.raw);
}

export const ungroundedNote = "_I left out a statement whose figures no lookup returned; ask me to look them up._";
export const ungroundedReply =
  "I could not give that answer reliably: its figures did not come from any lookup. Please ask again, or ask for one figure at a time.";

/**
 * The reply with every sentence (or list line) that carries an ungrounded figure removed, and
 * a note saying so; when nothing grounded remains, a safe sentence instead.
 */
export function guardFigures(text: string, sources: FigureSources): GuardedReply {
  const ungrounded = ungroundedFigures(text, sources);
  if (ungrounded.length === 0) return { text, ungrounded };
  const known = sourceNumbers(sources);
  const clean = (sentence: string) => figuresIn(sentence).every((f) => grounded(f, known));
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    const sentences = line.split(/(?<=[.!?])\s+(?=[A-Z*_`])/);
    const good = sentences.filter(clean);
    if (good.length === sentences.length) kept.push(line);
    else if (good.length > 0) kept.push(good.join(" "));
  }
  const rest = kept.join("\n").trim();
  // A header ending in ":" with its list gone says nothing on its own.
  if (rest.replace(/[\s*_:•-]/g, "").length < 12 || /:\s*$/.test(rest)) return { text: ungroundedReply, ungrounded };
  return { text: `${rest}\n${ungroundedNote}`, ungrounded };
}
