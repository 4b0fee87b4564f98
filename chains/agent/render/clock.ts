/** Calendar parts of an instant in a timezone, for "today", "yesterday" and "this morning". */
const partsFormats = new Map<string, Intl.DateTimeFormat>();

function parts(t: number, tz: string): { y: number; m: number; d: number; h: number } {
  let fmt = partsFormats.get(tz);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      hourCycle: "h23",
    });
    partsFormats.set(tz, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour) };
}

export function dayNumber(t: number, tz: string): number {
  const p = parts(t, tz);
  return Math.round(Date.UTC(p.y, p.m - 1, p.d) / 86_400_000);
}

export function localYear(t: number, tz: string): number {
  return parts(t, tz).y;
}

export function localHour(t: number, tz: string): number {
  return parts(t, tz).h;
}

export function tzLabel(tz: string): string {
  return tz === "UTC" || tz === "Etc/UTC" ? "UTC" : tz;
}
