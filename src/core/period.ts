/**
 * Periods people say ("the November close", "Q3", "YTD", "this week") resolved to calendar
 * days in the organisation's timezone. A period is named in local days; `start`/`end` are the
 * instants those local days begin, so a timestamp filter stays right across DST changes.
 *
 * A month or quarter named without a year is its most recent occurrence that has started:
 * on 2026-12-01 "November" is 2026-11, "December" 2026-12 and "January" 2026-01.
 */
import { TZDate } from "@date-fns/tz";
// One module per function: the date-fns barrel evaluates all ~250 functions' modules, which
// cost about 2 s and 200 MB of transient heap at start-up (issue 15, bench/start-up.bench.ts).
import { addDays } from "date-fns/addDays";
import { addMonths } from "date-fns/addMonths";
import { addYears } from "date-fns/addYears";
import { differenceInCalendarMonths } from "date-fns/differenceInCalendarMonths";
import { endOfMonth } from "date-fns/endOfMonth";
import { endOfQuarter } from "date-fns/endOfQuarter";
import { getQuarter } from "date-fns/getQuarter";
import { startOfQuarter } from "date-fns/startOfQuarter";
import { startOfWeek } from "date-fns/startOfWeek";
import type { Month } from "./domain/common.ts";

/** "span": whole months from one to another, as a tool's from/to parameters name them. */
export type PeriodKind = "week" | "month" | "quarter" | "year" | "ytd" | "span";

export interface Period {
  kind: PeriodKind;
  /** First local day, YYYY-MM-DD. */
  from: string;
  /** Last local day (inclusive), YYYY-MM-DD: the calendar end, or today for "ytd". */
  to: string;
  /**
   * The months the period touches that have started by the time it was resolved, oldest
   * first: the months that can have figures. Empty for a period wholly in the future.
   */
  months: Month[];
  /** "November 2026", "Q4 2026", "2026", "1 Jan–1 Dec 2026", "30 Nov–6 Dec 2026". */
  label: string;
  /** Instant local midnight begins `from`. */
  start: number;
  /** Instant local midnight ends `to` (exclusive). */
  end: number;
  timeZone: string;
}

export interface PeriodContext {
  /** Epoch ms the question is asked at. */
  now: number;
  /** IANA timezone of the organisation. */
  timeZone: string;
}

/** A local calendar day, with no time and no zone: the unit periods are made of. */
interface Day {
  y: number;
  m: number;
  d: number;
}

const monthNames = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
] as const;

// Calendar arithmetic runs on dates in UTC built from local day numbers: a day has no zone,
// so DST never moves it. A TZDate keeps date-fns off the process timezone (TZ) as well. Only
// `start`/`end` go back through the organisation's timezone.
const utc = (day: Day) => new TZDate(day.y, day.m - 1, day.d, "UTC");
const dayOf = (date: Date): Day => ({ y: date.getFullYear(), m: date.getMonth() + 1, d: date.getDate() });
const iso = (day: Day) => `${day.y}-${pad(day.m)}-${pad(day.d)}`;
const pad = (n: number) => String(n).padStart(2, "0");
const monthKey = (y: number, m: number): Month => `${y}-${pad(m)}`;
const fromUtc = (date: Date) => dayOf(date);

/**
 * English short month names, as date-fns' default en-US locale writes "MMM". Labels are built
 * by hand from them: date-fns' format() loads its whole token and locale machinery, about a
 * quarter of a second at start-up for four fixed patterns (issue 15, fast start).
 */
const monthShort = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
const two = (n: number) => String(n).padStart(2, "0");
const mmm = (m: number) => monthShort[m - 1] as string;

/** Today's date (YYYY-MM-DD) in the timezone. */
export function localToday(now: number, timeZone: string): string {
  // TZDate's getters read the date in its zone.
  const local = new TZDate(now, timeZone);
  return `${String(local.getFullYear()).padStart(4, "0")}-${two(local.getMonth() + 1)}-${two(local.getDate())}`;
}

function today(ctx: PeriodContext): Day {
  const [y, m, d] = localToday(ctx.now, ctx.timeZone).split("-").map(Number) as [number, number, number];
  return { y, m, d };
}

/** The instant a local day begins in the timezone (the first instant of it if midnight is skipped by DST). */
function startOfLocalDay(day: Day, timeZone: string): number {
  return new TZDate(day.y, day.m - 1, day.d, timeZone).getTime();
}

function monthLabelOf(y: number, m: number): string {
  return `${capitalise(monthNames[m - 1] as string)} ${y}`;
}

/** "2026-11" → "November 2026". */
export function monthLabel(month: Month): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return monthLabelOf(y, m);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function rangeLabel(from: Day, to: Day): string {
  const dayMonth = (day: Day) => `${day.d} ${mmm(day.m)}`;
  if (from.y !== to.y) return `${dayMonth(from)} ${from.y}–${dayMonth(to)} ${to.y}`;
  return `${dayMonth(from)}–${dayMonth(to)} ${to.y}`;
}

/** Months from `from` to `to` (inclusive) that have begun by `todayDay`. */
function startedMonths(from: Day, to: Day, todayDay: Day): Month[] {
  if (iso(from) > iso(todayDay)) return [];
  const last = iso(to) < iso(todayDay) ? to : todayDay;
  return monthsBetween(monthKey(from.y, from.m), monthKey(last.y, last.m));
}

function build(kind: PeriodKind, from: Day, to: Day, label: string, ctx: PeriodContext): Period {
  return {
    kind,
    from: iso(from),
    to: iso(to),
    months: startedMonths(from, to, today(ctx)),
    label,
    start: startOfLocalDay(from, ctx.timeZone),
    end: startOfLocalDay(fromUtc(addDays(utc(to), 1)), ctx.timeZone),
    timeZone: ctx.timeZone,
  };
}

/** The calendar month `month` (YYYY-MM). */
export function monthPeriod(month: Month, ctx: PeriodContext): Period {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return build("month", { y, m, d: 1 }, fromUtc(endOfMonth(utc({ y, m, d: 1 }))), monthLabelOf(y, m), ctx);
}

function quarterPeriod(y: number, q: number, ctx: PeriodContext): Period {
  const first = utc({ y, m: (q - 1) * 3 + 1, d: 1 });
  return build("quarter", fromUtc(startOfQuarter(first)), fromUtc(endOfQuarter(first)), `Q${q} ${y}`, ctx);
}

function yearPeriod(y: number, ctx: PeriodContext): Period {
  return build("year", { y, m: 1, d: 1 }, { y, m: 12, d: 31 }, String(y), ctx);
}

function ytdPeriod(to: Day, ctx: PeriodContext): Period {
  const from = { y: to.y, m: 1, d: 1 };
  return build("ytd", from, to, rangeLabel(from, to), ctx);
}

/** The Monday-to-Sunday week containing `day`. */
function weekOf(day: Day, ctx: PeriodContext): Period {
  const monday = fromUtc(startOfWeek(utc(day), { weekStartsOn: 1 }));
  const sunday = fromUtc(addDays(utc(monday), 6));
  return build("week", monday, sunday, rangeLabel(monday, sunday), ctx);
}

/** The calendar week (Monday to Sunday) containing `now` in the timezone: "this week". */
export function calendarWeek(now: number, timeZone: string): Period {
  const ctx = { now, timeZone };
  return weekOf(today(ctx), ctx);
}

/** The month `n` months after `month` (negative for before). */
export function shiftMonth(month: Month, n: number): Month {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = dayOf(addMonths(utc({ y, m, d: 1 }), n));
  return monthKey(d.y, d.m);
}

/**
 * The month a close is about: in the first ten local days of a month the books being closed
 * are last month's; from the 11th on, the current month's.
 */
export function closeMonth(now: number, timeZone: string): Month {
  const t = today({ now, timeZone });
  const current = monthKey(t.y, t.m);
  return t.d <= 10 ? shiftMonth(current, -1) : current;
}

/**
 * The equal period just before `period`, to compare with: the previous week, month, quarter
 * or year, or the same days of the previous year for "ytd". `months` holds as many months as
 * `period.months`, each shifted by the period's length, so a quarter in progress (Oct, Nov)
 * compares with the same months of the quarter before (Jul, Aug).
 */
export function previousPeriod(period: Period, ctx: PeriodContext): Period {
  const from = dayFromIso(period.from);
  const to = dayFromIso(period.to);
  const spanMonths = differenceInCalendarMonths(utc(to), utc(from)) + 1;
  const shiftBy = { week: 0, month: 1, quarter: 3, year: 12, ytd: 12, span: spanMonths }[period.kind];
  let previous: Period;
  if (period.kind === "span")
    previous = monthSpanPeriod(
      shiftMonth(period.from.slice(0, 7), -spanMonths),
      shiftMonth(period.to.slice(0, 7), -spanMonths),
      ctx,
    );
  else if (period.kind === "week") previous = weekOf(fromUtc(addDays(utc(from), -7)), ctx);
  else if (period.kind === "month") previous = monthPeriod(shiftMonth(period.from.slice(0, 7), -1), ctx);
  else if (period.kind === "quarter") {
    const d = fromUtc(addMonths(utc(from), -3));
    previous = quarterPeriod(d.y, getQuarter(utc(d)), ctx);
  } else if (period.kind === "year") previous = yearPeriod(from.y - 1, ctx);
  else previous = ytdPeriod(fromUtc(addYears(utc(to), -1)), ctx);
  if (period.kind === "week") return previous;
  return { ...previous, months: period.months.map((m) => shiftMonth(m, -shiftBy)) };
}

function dayFromIso(s: string): Day {
  const [y, m, d] = s.split("-").map(Number) as [number, number, number];
  return { y, m, d };
}

/** Most recent month `m` (1-12) that has started by `t`. */
function latestMonth(m: number, t: Day): Month {
  return monthKey(m > t.m ? t.y - 1 : t.y, m);
}

const monthPattern =
  "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

function monthNumber(word: string): number {
  return monthNames.findIndex((n) => n.startsWith(word.slice(0, 3))) + 1;
}

const closeWords = /\b(close|closing|month[- ]?end)\b/;

/**
 * The period a text names, or undefined when it names none. Explicit beats relative beats
 * bare: "2025-10", "October 2025", "Q3 2025" first; then "last month", "this quarter",
 * "YTD", "this week"…; then a bare "October" or "Q3"; then a close without a month
 * ("what's left for the close?"), which means {@link closeMonth}.
 */
export function resolvePeriod(text: string, ctx: PeriodContext): Period | undefined {
  const lower = text.toLowerCase();
  const t = today(ctx);
  const current = monthKey(t.y, t.m);
  const q = getQuarter(utc(t));

  const isoMonth = /\b(\d{4})-(0[1-9]|1[0-2])\b/.exec(lower);
  if (isoMonth) return monthPeriod(`${isoMonth[1]}-${isoMonth[2]}`, ctx);
  const namedWithYear = new RegExp(`\\b${monthPattern}\\.?,?\\s+(\\d{4})\\b`).exec(lower);
  if (namedWithYear)
    return monthPeriod(monthKey(Number(namedWithYear[2]), monthNumber(namedWithYear[1] as string)), ctx);
  const quarterWithYear =
    /\bq([1-4])[\s/-]*(?:of\s+)?(\d{4})\b/.exec(lower) ?? /\b(\d{4})[\s/-]*q([1-4])\b/.exec(lower);
  if (quarterWithYear) {
    const [a, b] = [Number(quarterWithYear[1]), Number(quarterWithYear[2])];
    return a > 4 ? quarterPeriod(a, b, ctx) : quarterPeriod(b, a, ctx);
  }

  if (/\b(this|current) week\b|\bweek to date\b|\bwtd\b/.test(lower)) return weekOf(t, ctx);
  if (/\b(last|previous|prior) week\b/.test(lower)) return weekOf(fromUtc(addDays(utc(t), -7)), ctx);
  if (/\b(last|previous|prior) month\b/.test(lower)) return monthPeriod(shiftMonth(current, -1), ctx);
  if (/\b(this|current) month\b|\bmonth to date\b|\bmtd\b/.test(lower)) return monthPeriod(current, ctx);
  if (/\b(last|previous|prior) quarter\b/.test(lower)) {
    const d = fromUtc(addMonths(utc({ y: t.y, m: t.m, d: 1 }), -3));
    return quarterPeriod(d.y, getQuarter(utc(d)), ctx);
  }
  if (/\b(this|current) quarter\b|\bquarter to date\b|\bqtd\b/.test(lower)) return quarterPeriod(t.y, q, ctx);
  if (/\bytd\b|\byear to date\b|\bso far this year\b/.test(lower)) return ytdPeriod(t, ctx);
  // "March last year" is a month, not the year: read it before the bare "last year".
  const monthOfYear = new RegExp(`\\b${monthPattern}\\.?\\s+(?:of\\s+)?(last|previous|this) year\\b`).exec(lower);
  if (monthOfYear) {
    const m = monthNumber(monthOfYear[1] as string);
    return monthPeriod(monthKey(monthOfYear[2] === "this" ? t.y : t.y - 1, m), ctx);
  }
  if (/\b(last|previous|prior) year\b/.test(lower)) return yearPeriod(t.y - 1, ctx);
  if (/\b(this|current) year\b/.test(lower)) return yearPeriod(t.y, ctx);

  const lastNamed = new RegExp(`\\b(?:last|previous)\\s+${monthPattern}\\b`).exec(lower);
  if (lastNamed) {
    // "last November" asked in November is a year ago; otherwise the most recent one.
    const m = monthNumber(lastNamed[1] as string);
    return monthPeriod(m >= t.m ? monthKey(t.y - 1, m) : monthKey(t.y, m), ctx);
  }
  const bare = bareMonth(lower);
  if (bare !== undefined) return monthPeriod(latestMonth(bare, t), ctx);
  const bareQuarter = /\bq([1-4])\b/.exec(lower);
  if (bareQuarter) {
    const n = Number(bareQuarter[1]);
    return quarterPeriod(n > q ? t.y - 1 : t.y, n, ctx);
  }
  const year = /\b(?:in|for|during|of|fy)\s+(\d{4})\b/.exec(lower) ?? /^\s*(\d{4})\s*$/.exec(lower);
  if (year) return yearPeriod(Number(year[1]), ctx);
  if (closeWords.test(lower)) return monthPeriod(closeMonth(ctx.now, ctx.timeZone), ctx);
  return undefined;
}

function bareMonth(lower: string): number | undefined {
  const re = new RegExp(`\\b${monthPattern}\\b`, "g");
  for (const match of lower.matchAll(re)) {
    const word = match[1] as string;
    // "may" is a month only where a month is expected: "in May", "May's P&L", "the May close".
    if (word === "may") {
      const before = lower.slice(0, match.index);
      const after = lower.slice((match.index ?? 0) + word.length);
      if (!/\b(in|for|of|since|during|from|until|to|the|vs|versus|and|than)\s+$/.test(before) && !/^'s\b/.test(after))
        continue;
    }
    // "mar" and "dec" etc. are abbreviations only when they stand alone, which \b ensures.
    return monthNumber(word);
  }
  return undefined;
}

/** Whole months from `from` to `to` inclusive (YYYY-MM each), oldest first. */
export function monthsBetween(from: Month, to: Month): Month[] {
  const [fy, fm] = from.split("-").map(Number) as [number, number];
  const [ty, tm] = to.split("-").map(Number) as [number, number];
  const n = differenceInCalendarMonths(utc({ y: ty, m: tm, d: 1 }), utc({ y: fy, m: fm, d: 1 }));
  return Array.from({ length: Math.max(0, n + 1) }, (_, i) => shiftMonth(from, i));
}

/** A period over the whole months `from`..`to`, labelled by its ends ("Sep–Nov 2026"). */
export function monthSpanPeriod(from: Month, to: Month, ctx: PeriodContext): Period {
  const first = monthPeriod(from, ctx);
  const last = monthPeriod(to, ctx);
  if (from === to) return first;
  const [fy, fm] = from.split("-").map(Number) as [number, number];
  const [ty, tm] = to.split("-").map(Number) as [number, number];
  const label = fy === ty ? `${mmm(fm)}–${mmm(tm)} ${ty}` : `${mmm(fm)} ${fy}–${mmm(tm)} ${ty}`;
  return build("span", dayFromIso(first.from), dayFromIso(last.to), label, ctx);
}

/**
 * The last quarter that has wholly ended by `now` (a quarterly review is about it): on
 * 2026-12-04 Q3 2026, on 2027-01-02 Q4 2026, on 2027-03-31 still Q4 2026 (Q1 ends at midnight).
 */
export function lastFullQuarter(now: number, timeZone: string): Period {
  const ctx = { now, timeZone };
  const t = today(ctx);
  const d = fromUtc(addMonths(utc({ y: t.y, m: t.m, d: 1 }), -3));
  return quarterPeriod(d.y, getQuarter(utc(d)), ctx);
}

/** The same quarter one year earlier (Q3 2026 -> Q3 2025): a review's year-on-year comparison. */
export function sameQuarterLastYear(quarter: Period, ctx: PeriodContext): Period {
  const from = dayFromIso(quarter.from);
  return quarterPeriod(from.y - 1, getQuarter(utc(from)), ctx);
}
