/**
 * When "remind me about <customer> tomorrow at 9" means, in the person's own timezone: the words
 * give a local day and a wall-clock time, and TZDate turns that into an instant, so a reminder
 * set across a DST change still fires at 9:00 local (not 8:00 or 10:00).
 */
import { TZDate } from "@date-fns/tz";

const weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** The hour a reminder with a day but no time fires at. */
export const DEFAULT_HOUR = 9;

export interface ParsedWhen {
  /** Epoch ms. */
  at: number;
  /** The words that said when, removed from the subject. */
  matched: string[];
}

interface LocalDay {
  y: number;
  m: number;
  d: number;
}

function localDay(now: number, timeZone: string): LocalDay & { weekday: number } {
  const t = new TZDate(now, timeZone);
  return { y: t.getFullYear(), m: t.getMonth() + 1, d: t.getDate(), weekday: t.getDay() };
}

function addDays(day: LocalDay, n: number): LocalDay {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** The instant of a local wall-clock time (a time in a DST gap moves forward by the gap, as clocks do). */
export function localInstant(day: LocalDay, hour: number, minute: number, timeZone: string): number {
  return new TZDate(day.y, day.m - 1, day.d, hour, minute, timeZone).getTime();
}

const timePattern =
  /\bat\s+(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?|\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b|\b(noon|midday)\b/i;

/**
 * The reminder time the text names, or undefined when it names no day or time it understands.
 * "tomorrow", "today", "on Friday", "on 2026-12-03", "on 3 Dec", "in 2 hours", "in 3 days",
 * each with an optional "at 9", "at 14:30", "at 2pm", "at noon". A time alone is today's,
 * or tomorrow's once it has passed. A day alone is at DEFAULT_HOUR.
 */
export function parseWhen(text: string, now: number, timeZone: string): ParsedWhen | undefined {
  const lower = text.toLowerCase();
  const matched: string[] = [];
  const relative = /\bin\s+(\d{1,3}|an?|one)\s+(minutes?|mins?|hours?|hrs?|days?|weeks?)\b/.exec(lower);
  if (relative) {
    const n = /^\d/.test(relative[1] ?? "") ? Number(relative[1]) : 1;
    const unit = relative[2] ?? "";
    matched.push(relative[0]);
    if (/^min/.test(unit)) return { at: now + n * 60_000, matched };
    if (/^h/.test(unit)) return { at: now + n * 3_600_000, matched };
    const today = localDay(now, timeZone);
    const nowLocal = new TZDate(now, timeZone);
    const day = addDays(today, /^w/.test(unit) ? n * 7 : n);
    return { at: localInstant(day, nowLocal.getHours(), nowLocal.getMinutes(), timeZone), matched };
  }

  const today = localDay(now, timeZone);
  let day: LocalDay | undefined;
  const dayWord = /\b(today|tonight|tomorrow)\b/.exec(lower);
  const weekday = new RegExp(`\\b(?:on\\s+|next\\s+)?(${weekdays.join("|")})\\b`).exec(lower);
  const iso = /\b(?:on\s+)?(\d{4})-(\d{2})-(\d{2})\b/.exec(lower);
  const named = new RegExp(
    `\\b(?:on\\s+)?(?:(\\d{1,2})(?:st|nd|rd|th)?\\s+(${months.join("|")})[a-z]*|(${months.join("|")})[a-z]*\\s+(\\d{1,2})(?:st|nd|rd|th)?)\\b`,
  ).exec(lower);
  if (dayWord) {
    matched.push(dayWord[0]);
    day = dayWord[1] === "tomorrow" ? addDays(today, 1) : today;
  } else if (iso) {
    matched.push(iso[0]);
    day = { y: Number(iso[1]), m: Number(iso[2]), d: Number(iso[3]) };
  } else if (named) {
    matched.push(named[0]);
    const month = months.indexOf((named[2] ?? named[3] ?? "").slice(0, 3)) + 1;
    const date = Number(named[1] ?? named[4]);
    day = { y: today.y, m: month, d: date };
    // "on 3 Jan" in December is next year's.
    if (localInstant(day, 23, 59, timeZone) < now) day = { ...day, y: today.y + 1 };
  } else if (weekday) {
    matched.push(weekday[0]);
    const target = weekdays.indexOf(weekday[1] ?? "");
    const ahead = (target - today.weekday + 7) % 7 || 7;
    day = addDays(today, ahead);
  }

  const time = timePattern.exec(lower);
  let hour = DEFAULT_HOUR;
  let minute = 0;
  if (time) {
    matched.push(time[0]);
    if (time[7]) hour = 12;
    else {
      hour = Number(time[1] ?? time[4]);
      minute = Number(time[2] ?? time[5] ?? 0);
      const meridiem = (time[3] ?? time[6] ?? "").replace(/\./g, "");
      if (meridiem === "pm" && hour < 12) hour += 12;
      if (meridiem === "am" && hour === 12) hour = 0;
      // "at 5" with no am/pm in the working day's afternoon: a reminder at 5 means 17:00.
      if (!meridiem && hour >= 1 && hour <= 6) hour += 12;
    }
    if (hour > 23 || minute > 59) return undefined;
  }
  if (!day && !time) return undefined;
  if (!day) {
    day = today;
    if (localInstant(day, hour, minute, timeZone) <= now) day = addDays(today, 1);
  }
  if (day.m < 1 || day.m > 12 || day.d < 1 || day.d > 31) return undefined;
  return { at: localInstant(day, hour, minute, timeZone), matched };
}

/**
 * "Tue 24 Nov at 09:00" in the zone; with the reader's BCP 47 locale (Slack users.info
 * `locale`, Teams activity `locale`) their own order, names and clock ("Tue, Nov 24, 9:00 AM"
 * for en-US, "Di., 24. Nov., 09:00" for de-DE). An unknown locale falls back to the default.
 */
export function formatWhen(at: number, timeZone: string, locale?: string): string {
  if (locale && locale !== "en-GB") {
    try {
      return new Intl.DateTimeFormat(locale, {
        timeZone,
        weekday: "short",
        day: "numeric",
        month: "short",
        hour: "numeric",
        minute: "2-digit",
      }).format(new Date(at));
    } catch {
      // RangeError for a malformed tag: the default form below.
    }
  }
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("weekday")} ${get("day")} ${get("month")} at ${get("hour")}:${get("minute")}`;
}
