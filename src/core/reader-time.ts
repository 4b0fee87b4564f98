/**
 * Times as a person reads them. Two cases:
 * - a message many people read (an approval card in a thread): the text carries a time token,
 *   `timeToken(ms)`, and each renderer turns it into the platform's own per-reader date
 *   (Slack `<!date^…>`, Adaptive Cards `{{DATE()}} {{TIME()}}`), so a reader in Los Angeles and
 *   one in Berlin see the same instant in their own zone and locale; plain text (the console,
 *   notification fallbacks) shows it in UTC, naming the zone;
 * - a view or notice for one person (their App Home, a reminder): `formatForReader` formats it in
 *   that person's zone and locale (Slack users.info `tz` / `locale`, a Teams activity's
 *   `localTimezone` / `locale`, else the organisation's zone).
 */
/** Who reads a time: an IANA zone and, when the platform says, a BCP 47 locale. */
export interface Reader {
  timeZone: string;
  locale?: string;
}

/** The locale used when the platform gives none (day-month order and a 24-hour clock). */
export const DEFAULT_LOCALE = "en-GB";

/** True for a zone Intl knows ("America/Los_Angeles"); platforms send odd values at times. */
export function isTimeZone(value: string | undefined): value is string {
  if (!value) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Slack sends "en-US", Teams "en-US" or "de-de"; anything Intl cannot use is dropped. */
export function canonicalLocale(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return Intl.getCanonicalLocales(value.replace(/_/g, "-"))[0];
  } catch {
    return undefined;
  }
}

/**
 * The reader of a person's own surfaces: the zone the platform reports for them, else the one
 * configured for them, else the organisation's; the platform's locale when it gave one.
 */
export function readerOf(
  user: { timeZone?: string | undefined; locale?: string | undefined },
  configured: string | undefined,
  orgTimeZone: string,
): Reader {
  const timeZone = [user.timeZone, configured].find(isTimeZone) ?? orgTimeZone;
  const locale = canonicalLocale(user.locale);
  return locale ? { timeZone, locale } : { timeZone };
}

/**
 * "Tue 24 Nov, 09:00 PST" (en-GB) or "Tue, Nov 24, 9:00 AM PST" (en-US): weekday, day, month,
 * time and the zone's short name, in the reader's locale. Intl applies the zone's rules for that
 * instant, so a time after a DST change reads in the offset of its own day (PST, not PDT).
 */
export function formatForReader(at: number | Date, reader: Reader): string {
  return new Intl.DateTimeFormat(reader.locale ?? DEFAULT_LOCALE, {
    timeZone: reader.timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(at);
}

/** "2026-11-23 09:00 UTC": the one zone a plain-text reader is told, when no renderer localises. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * In card text (the Markdown subset of src/core/card.ts): an instant every renderer shows in
 * each reader's own zone where the platform can, else as `formatUtc`. Epoch milliseconds.
 */
export function timeToken(ms: number): string {
  return `{{time:${Math.round(ms)}}}`;
}

/** Matches time tokens; group 1 is the epoch milliseconds. */
export const timeTokenPattern = /\{\{time:(\d{1,15})\}\}/g;

/** Whether `text` holds a time token. */
export function hasTimeToken(text: string): boolean {
  return new RegExp(timeTokenPattern.source).test(text);
}

/** `text` with each time token replaced by `render(ms)`. */
export function replaceTimeTokens(text: string, render: (ms: number) => string): string {
  return text.replace(timeTokenPattern, (_, ms: string) => render(Number(ms)));
}

/** `text` with time tokens shown as `formatUtc` (plain text, fallbacks, logs). */
export function timeTokensAsUtc(text: string): string {
  return replaceTimeTokens(text, formatUtc);
}
