/**
 * "due tomorrow", "due Friday", "due 2026-12-04", "by next Monday": the date a write's due-date
 * parameter takes, as YYYY-MM-DD in the turn's timezone (today is the turn context's date).
 */
const weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

function addDays(isoDate: string, n: number): string {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function dueDateIn(text: string, today: string): string | undefined {
  const m =
    /\b(?:due|by)\s+(?:on\s+)?(today|tomorrow|(?:next\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d{4}-\d{2}-\d{2})\b/i.exec(
      text,
    );
  const what = m?.[1]?.toLowerCase();
  if (!what) return undefined;
  if (/^\d{4}-/.test(what)) return what;
  if (what === "today") return today;
  if (what === "tomorrow") return addDays(today, 1);
  const next = what.startsWith("next ");
  const day = weekdays.indexOf(what.replace(/^next\s+/, ""));
  const current = new Date(`${today}T12:00:00Z`).getUTCDay();
  // "Friday" is the coming one (a week on when today is Friday); "next Friday" is the one after that week's.
  let ahead = (day - current + 7) % 7 || 7;
  if (next && ahead < 7) ahead += 7;
  return addDays(today, ahead);
}
