/**
 * The sweep's dates: every month's 1st, 2nd, 10th, 11th and last day of one whole year, the
 * year end, leap days, and both DST changes of two timezones, at hours that put the local date
 * on the other side of midnight from UTC somewhere. A date-dependent bug (a UTC month where a
 * local one is meant, a 31st that does not exist, day 10 vs 11, a week across a year end, an
 * hour that does not exist) shows on at least one of them.
 */

/** Hours (UTC) cycled over the dates: early (local yesterday west of UTC), midday, late (local tomorrow east). */
const hours = ["03:30", "12:00", "22:45"];

function lastDay(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function sweepDates(year = 2027): string[] {
  const out: string[] = [];
  let i = 0;
  for (let m = 1; m <= 12; m++) {
    for (const d of [1, 2, 10, 11, lastDay(year, m)]) {
      const day = `${year}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
      out.push(`${day}T${hours[i++ % hours.length]}:00Z`);
    }
  }
  out.push(
    // Year end, both sides of midnight in UTC.
    `${year - 1}-12-31T23:59:00Z`,
    `${year}-01-01T00:01:00Z`,
    // Leap years: the 29th, the 28th before it and the 1st after it.
    "2028-02-28T12:00:00Z",
    "2028-02-29T12:00:00Z",
    "2028-03-01T00:30:00Z",
    // Europe/London and Europe/Berlin change at 01:00 UTC; just before and after.
    `${year}-03-28T00:59:00Z`,
    `${year}-03-28T01:01:00Z`,
    `${year}-10-31T00:59:00Z`,
    `${year}-10-31T01:01:00Z`,
    // America/New_York changes at 07:00 UTC (spring) and 06:00 UTC (autumn).
    `${year}-03-14T06:59:00Z`,
    `${year}-03-14T07:01:00Z`,
    `${year}-11-07T05:59:00Z`,
    `${year}-11-07T06:01:00Z`,
    // The day this was written: the morning the close matters most.
    "2026-12-01T08:00:00Z",
  );
  return [...new Set(out)].sort();
}
