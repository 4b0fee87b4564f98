/**
 * The slots a question fills, read from its words: the known entity it names, a reference like
 * "OPS-145" or "KR-2231" read with the organisation's formats, an invoice number, a month or a
 * period, an ordinal ("the second one") and the free text of a write.
 */
import { resolvePeriod } from "../../../src/core/period.ts";
import type { KnownEntity } from "../known-entity.ts";
import type { RefKind } from "../refs.ts";

const ordinals: [RegExp, number][] = [
  [/\b(first|1st|top one)\b/, 0],
  [/\b(second|2nd)\b/, 1],
  [/\b(third|3rd)\b/, 2],
  [/\b(fourth|4th)\b/, 3],
  [/\b(fifth|5th)\b/, 4],
  [/\b(sixth|6th)\b/, 5],
  [/\b(seventh|7th)\b/, 6],
  [/\b(eighth|8th)\b/, 7],
  [/\b(ninth|9th)\b/, 8],
  [/\b(tenth|10th)\b/, 9],
  // "the last one", not "in the last 30 days" (a period).
  [/\b(last one|the last(?!\s+(\d|few|couple|several|week|month|quarter|year|days?|hours?|sprint|close)))\b/, -1],
];

const legalSuffix = /\s+(inc\.?|llc|ltd\.?|corp\.?|corporation|gmbh|co\.?|plc|ag|sa)$/i;

function variants(name: string): string[] {
  const lower = name.toLowerCase().trim();
  const out = [lower];
  const bare = lower.replace(legalSuffix, "");
  if (bare !== lower && bare.length >= 3) out.push(bare);
  return out;
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The longest known name mentioned in the text; ties prefer `preferKind`. */
export function findEntity(text: string, entities: KnownEntity[], preferKind?: RefKind[]): KnownEntity | undefined {
  const lower = text.toLowerCase();
  let best: KnownEntity | undefined;
  let bestLen = 0;
  let bestPref = -1;
  for (const e of entities) {
    if (e.prefix || e.person) continue;
    for (const v of variants(e.name)) {
      // A plain substring test first: hundreds of names, and almost none are in the question.
      if (v.length < 3 || !lower.includes(v)) continue;
      if (!new RegExp(`(^|[^a-z0-9])${escapeRe(v)}($|[^a-z0-9])`).test(lower)) continue;
      const pref = preferKind ? preferKind.length - Math.max(-1, preferKind.indexOf(e.kind)) : 0;
      const prefScore = preferKind?.includes(e.kind) ? pref : 0;
      if (v.length > bestLen || (v.length === bestLen && prefScore > bestPref)) {
        best = e;
        bestLen = v.length;
        bestPref = prefScore;
      }
    }
  }
  return best;
}

/** What a "PREFIX-123" reference in the question is: an issue, an invoice, or a question back. */
export type Reference = { kind: "issue" | "invoice"; ref: string } | { kind: "ambiguous"; ref: string };

/**
 * A reference shaped like an issue key ("NW-2231") read with the organisation's formats: its
 * prefix is the Jira project's ("OPS-"), the accounting system's invoice numbering ("NW-"), both
 * or neither. The question's own word ("invoice", "bill" / "issue", "ticket") decides first; a
 * prefix both systems use with no such word is asked about, not guessed.
 */
export function referenceIn(text: string, entities: readonly KnownEntity[]): Reference | undefined {
  const m = /\b([A-Za-z][A-Za-z0-9]*-\d+)\b/.exec(text);
  if (!m?.[1]) return undefined;
  const ref = m[1].toUpperCase();
  const prefix = ref.replace(/\d+$/, "");
  const known = (kind: RefKind) => entities.some((e) => e.prefix && e.kind === kind && e.name.toUpperCase() === prefix);
  const jira = known("issue");
  const invoice = known("invoice") || prefix === "INV-";
  // "top-5" is no reference; an upper-case key or a prefix one of the systems uses is.
  if (!jira && !invoice && !/^[A-Z][A-Z0-9]+-\d+$/.test(m[1])) return undefined;
  const sayInvoice = /\b(invoices?|bills?)\b/i.test(text);
  const sayIssue = /\b(issues?|tickets?|story|stories|bugs?|tasks?|epics?|jira)\b/i.test(text);
  if (sayInvoice !== sayIssue) return { kind: sayInvoice ? "invoice" : "issue", ref };
  if (jira && invoice) return { kind: "ambiguous", ref };
  if (invoice) return { kind: "invoice", ref };
  if (jira) return { kind: "issue", ref };
  // A prefix neither system is known to use (formats not loaded, another Jira project linked
  // from a blocker): an upper-case key is read as Jira's, as before.
  return { kind: "issue", ref };
}

export function ambiguousReply(ref: string): string {
  return `Is ${ref} a Jira issue or an invoice? Say "issue ${ref}" or "invoice ${ref}".`;
}

export function invoiceIn(text: string): string | undefined {
  const m =
    /\b(INV-\d+)\b/i.exec(text) ?? /#(\d{3,})\b/.exec(text) ?? /\binvoice\s+(?:number\s+)?(\d{3,})\b/i.exec(text);
  return m?.[1]?.toUpperCase();
}

/**
 * The month a question names for a month parameter ("the November close", "last month",
 * "what's left for the close?" early in December = November), in the turn's timezone.
 * A quarter, a year or a week is not a month: the tool's own default applies.
 */
export function monthIn(text: string, turn: { now: number; timeZone: string }): string | undefined {
  const period = resolvePeriod(text, { now: turn.now, timeZone: turn.timeZone });
  return period?.kind === "month" ? period.from.slice(0, 7) : undefined;
}

/** A period parameter: several months said in words ("Q3", "YTD", "last year"), canonical for the tool. */
export function periodIn(text: string, turn: { now: number; timeZone: string }): string | undefined {
  const period = resolvePeriod(text, { now: turn.now, timeZone: turn.timeZone });
  if (period?.kind === "ytd") return "YTD";
  return period?.kind === "quarter" || period?.kind === "year" ? period.label : undefined;
}

export function ordinalIn(text: string): number | undefined {
  const lower = text.toLowerCase();
  for (const [re, n] of ordinals) if (re.test(lower)) return n;
  const hash = /\b(?:number|no\.?|#)\s*(\d{1,2})\b/.exec(lower);
  if (hash && !invoiceIn(text)) return Number(hash[1]) - 1;
  return undefined;
}

/** Free text for a write: what follows a colon, or "saying"/"that". */
export function writeBody(text: string, paramName: string): string | undefined {
  const colon = text.indexOf(":");
  if (colon >= 0 && colon < text.length - 1) return text.slice(colon + 1).trim();
  const said = /\b(?:saying|that says|with text|because)\s+(.+)$/i.exec(text) ?? /\bthat\s+(.+)$/i.exec(text);
  if (said?.[1]) return said[1].trim();
  const comma = /,\s*(.+)$/.exec(text);
  if (comma?.[1]) return comma[1].trim();
  // "create a ticket to renew the AWS credentials": the summary is what follows "to".
  if (/summary|title/.test(paramName)) return /\b(?:to|for|about)\s+(.+)$/i.exec(text)?.[1]?.trim();
  return undefined;
}
