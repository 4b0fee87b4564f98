import { TZDate } from "@date-fns/tz";
import { afterEach, describe, expect, it } from "vitest";
import {
  calendarWeek,
  closeMonth,
  localToday,
  monthLabel,
  monthSpanPeriod,
  monthsBetween,
  type Period,
  previousPeriod,
  resolvePeriod,
  shiftMonth,
} from "./period.ts";

const zones = ["UTC", "Europe/London", "America/New_York", "Pacific/Auckland", "Asia/Kolkata"] as const;

const at = (iso: string) => Date.parse(iso);

function resolve(text: string, nowIso: string, timeZone = "UTC"): Period | undefined {
  return resolvePeriod(text, { now: at(nowIso), timeZone });
}

function span(p: Period | undefined) {
  return p && { kind: p.kind, from: p.from, to: p.to, months: p.months, label: p.label };
}

describe("localToday", () => {
  it.each([
    // instant (UTC)            zone                  local date
    ["2026-12-01T00:30:00Z", "UTC", "2026-12-01"],
    ["2026-12-01T00:30:00Z", "America/New_York", "2026-11-30"],
    ["2026-11-30T11:30:00Z", "Pacific/Auckland", "2026-12-01"],
    ["2026-11-30T18:29:00Z", "Asia/Kolkata", "2026-11-30"],
    ["2026-11-30T18:30:00Z", "Asia/Kolkata", "2026-12-01"],
    ["2026-12-31T23:59:59Z", "Europe/London", "2026-12-31"],
    ["2027-01-01T00:00:00Z", "Europe/London", "2027-01-01"],
    ["2026-12-31T11:00:00Z", "Pacific/Auckland", "2027-01-01"],
    // Summer time: London is UTC+1, so 23:30 UTC is already the next day.
    ["2026-07-31T23:30:00Z", "Europe/London", "2026-08-01"],
    ["2028-02-29T04:59:00Z", "America/New_York", "2028-02-28"],
    ["2028-02-29T05:00:00Z", "America/New_York", "2028-02-29"],
  ])("at %s in %s is %s", (instant, zone, expected) => {
    expect(localToday(at(instant), zone)).toBe(expected);
  });
});

describe("closeMonth", () => {
  it.each([
    ["2026-12-01T09:00:00Z", "UTC", "2026-11"],
    ["2026-12-10T23:59:00Z", "UTC", "2026-11"],
    ["2026-12-11T00:00:00Z", "UTC", "2026-12"],
    ["2026-11-25T18:00:00Z", "UTC", "2026-11"],
    ["2027-01-01T09:00:00Z", "UTC", "2026-12"],
    ["2027-01-03T18:00:00Z", "Europe/London", "2026-12"],
    // Still the 10th in New York while UTC is on the 11th.
    ["2026-12-11T02:00:00Z", "America/New_York", "2026-11"],
    ["2026-12-11T02:00:00Z", "UTC", "2026-12"],
    // Auckland's 11th starts on the 10th in UTC.
    ["2026-12-10T12:00:00Z", "Pacific/Auckland", "2026-12"],
    ["2026-12-10T12:00:00Z", "UTC", "2026-11"],
    ["2026-03-10T18:30:00Z", "Asia/Kolkata", "2026-03"],
    ["2028-03-01T00:00:00Z", "UTC", "2028-02"],
  ])("at %s in %s closes %s", (instant, zone, expected) => {
    expect(closeMonth(at(instant), zone)).toBe(expected);
  });

  it("names the same month on every one of the first ten days and a different one from the 11th", () => {
    for (const zone of zones) {
      for (let day = 1; day <= 10; day++) {
        for (const hour of [0, 12, 23]) {
          const local = new TZDate(2026, 2, day, hour, 30, 0, zone).getTime();
          expect(closeMonth(local, zone), `${zone} day ${day} ${hour}:30`).toBe("2026-02");
        }
      }
      expect(closeMonth(new TZDate(2026, 2, 11, 0, 0, 0, zone).getTime(), zone)).toBe("2026-03");
    }
  });
});

describe("resolvePeriod: months people name", () => {
  it.each([
    // text                               now                      zone          month
    ["what's left for the November close?", "2026-12-01T09:00:00Z", "UTC", "2026-11"],
    ["show the P&L for October", "2026-12-01T09:00:00Z", "UTC", "2026-10"],
    ["December figures", "2026-12-01T09:00:00Z", "UTC", "2026-12"],
    ["January revenue", "2026-12-01T09:00:00Z", "UTC", "2026-01"],
    ["January revenue", "2027-01-01T09:00:00Z", "UTC", "2027-01"],
    ["December revenue", "2027-01-01T09:00:00Z", "UTC", "2026-12"],
    ["P&L for Feb", "2028-02-29T12:00:00Z", "UTC", "2028-02"],
    ["march spend", "2028-02-29T12:00:00Z", "UTC", "2027-03"],
    ["sept bills", "2026-12-01T09:00:00Z", "UTC", "2026-09"],
    ["last month", "2026-12-01T09:00:00Z", "UTC", "2026-11"],
    ["last month", "2027-01-01T09:00:00Z", "UTC", "2026-12"],
    ["previous month's bank lines", "2028-03-01T09:00:00Z", "UTC", "2028-02"],
    ["this month", "2026-12-01T09:00:00Z", "UTC", "2026-12"],
    ["month to date", "2026-12-31T23:00:00Z", "UTC", "2026-12"],
    ["the 2026-10 P&L", "2026-12-01T09:00:00Z", "UTC", "2026-10"],
    ["October 2025", "2026-12-01T09:00:00Z", "UTC", "2025-10"],
    ["oct. 2025 bills", "2026-12-01T09:00:00Z", "UTC", "2025-10"],
    ["last November", "2026-11-15T09:00:00Z", "UTC", "2025-11"],
    ["last November", "2026-12-15T09:00:00Z", "UTC", "2026-11"],
    ["invoices in May", "2026-12-01T09:00:00Z", "UTC", "2026-05"],
    ["May's P&L", "2026-04-01T09:00:00Z", "UTC", "2025-05"],
    // Midnight in the org's zone decides "this month", not UTC.
    ["this month", "2026-12-01T02:00:00Z", "America/New_York", "2026-11"],
    ["last month", "2026-11-30T12:00:00Z", "Pacific/Auckland", "2026-11"],
    ["this month", "2026-06-30T18:30:00Z", "Asia/Kolkata", "2026-07"],
    ["last month", "2026-03-31T23:30:00Z", "Europe/London", "2026-03"],
    ["June", "2026-05-31T23:30:00Z", "Europe/London", "2026-06"],
    ["June", "2026-05-31T23:30:00Z", "UTC", "2025-06"],
  ])("reads %j on %s (%s) as %s", (text, now, zone, month) => {
    const p = resolve(text, now, zone);
    expect(p?.kind).toBe("month");
    expect(p?.months).toEqual([month]);
    expect(p?.from).toBe(`${month}-01`);
    expect(p?.label).toBe(monthLabel(month));
  });

  it("ends a month on its last day, leap February included", () => {
    expect(span(resolve("February", "2028-03-05T00:00:00Z"))).toMatchObject({ from: "2028-02-01", to: "2028-02-29" });
    expect(span(resolve("February", "2027-03-05T00:00:00Z"))).toMatchObject({ from: "2027-02-01", to: "2027-02-28" });
    expect(span(resolve("April", "2027-05-05T00:00:00Z"))).toMatchObject({ to: "2027-04-30" });
    expect(span(resolve("December", "2027-01-05T00:00:00Z"))).toMatchObject({ to: "2026-12-31" });
  });

  it("does not take the verb 'may' for a month", () => {
    expect(resolve("may I see the bills?", "2026-12-01T09:00:00Z")).toBeUndefined();
    expect(resolve("what may be blocking the sprint", "2026-12-01T09:00:00Z")).toBeUndefined();
  });

  it("answers undefined for a text that names no period", () => {
    expect(resolve("show invoice 4729", "2026-12-01T09:00:00Z")).toBeUndefined();
    expect(resolve("which deals are closed won?", "2026-12-01T09:00:00Z")).toBeUndefined();
    expect(resolve("payments to decathlon", "2026-12-01T09:00:00Z")).toBeUndefined();
  });

  it("gives a month named in the future with its year no months that can have figures", () => {
    const p = resolve("March 2027", "2026-12-01T09:00:00Z");
    expect(p).toMatchObject({ kind: "month", from: "2027-03-01", months: [] });
  });
});

describe("resolvePeriod: the close without a month", () => {
  it.each([
    ["what's left for the close?", "2026-12-01T09:00:00Z", "UTC", "2026-11"],
    ["month-end exceptions", "2026-12-01T09:00:00Z", "UTC", "2026-11"],
    ["month end exceptions", "2026-12-10T09:00:00Z", "UTC", "2026-11"],
    ["anything blocking the close", "2026-12-11T09:00:00Z", "UTC", "2026-12"],
    ["what's left for the close?", "2027-01-02T09:00:00Z", "Pacific/Auckland", "2026-12"],
    ["what's left for the close?", "2026-12-11T03:00:00Z", "America/New_York", "2026-11"],
  ])("reads %j on %s (%s) as %s", (text, now, zone, month) => {
    expect(resolve(text, now, zone)?.months).toEqual([month]);
  });

  it("lets a named month win over the close", () => {
    expect(resolve("the October close", "2026-12-01T09:00:00Z")?.months).toEqual(["2026-10"]);
    expect(resolve("close for this month", "2026-12-01T09:00:00Z")?.months).toEqual(["2026-12"]);
  });

  it("does not read 'closed' as the close", () => {
    expect(resolve("closed deals", "2026-12-01T09:00:00Z")).toBeUndefined();
  });
});

describe("resolvePeriod: quarters and years", () => {
  it.each([
    [
      "this quarter",
      "2026-12-01T09:00:00Z",
      "UTC",
      "quarter",
      "2026-10-01",
      "2026-12-31",
      ["2026-10", "2026-11", "2026-12"],
      "Q4 2026",
    ],
    [
      "this quarter",
      "2026-11-15T09:00:00Z",
      "UTC",
      "quarter",
      "2026-10-01",
      "2026-12-31",
      ["2026-10", "2026-11"],
      "Q4 2026",
    ],
    ["QTD", "2026-10-01T09:00:00Z", "UTC", "quarter", "2026-10-01", "2026-12-31", ["2026-10"], "Q4 2026"],
    [
      "last quarter",
      "2026-12-01T09:00:00Z",
      "UTC",
      "quarter",
      "2026-07-01",
      "2026-09-30",
      ["2026-07", "2026-08", "2026-09"],
      "Q3 2026",
    ],
    [
      "last quarter",
      "2027-01-01T09:00:00Z",
      "UTC",
      "quarter",
      "2026-10-01",
      "2026-12-31",
      ["2026-10", "2026-11", "2026-12"],
      "Q4 2026",
    ],
    [
      "previous quarter",
      "2026-03-31T23:30:00Z",
      "Europe/London",
      "quarter",
      "2026-01-01",
      "2026-03-31",
      ["2026-01", "2026-02", "2026-03"],
      "Q1 2026",
    ],
    [
      "Q3",
      "2026-12-01T09:00:00Z",
      "UTC",
      "quarter",
      "2026-07-01",
      "2026-09-30",
      ["2026-07", "2026-08", "2026-09"],
      "Q3 2026",
    ],
    [
      "Q4",
      "2026-05-01T09:00:00Z",
      "UTC",
      "quarter",
      "2025-10-01",
      "2025-12-31",
      ["2025-10", "2025-11", "2025-12"],
      "Q4 2025",
    ],
    [
      "Q1 2028",
      "2028-02-29T09:00:00Z",
      "UTC",
      "quarter",
      "2028-01-01",
      "2028-03-31",
      ["2028-01", "2028-02"],
      "Q1 2028",
    ],
    [
      "Q3 2025 P&L",
      "2026-12-01T09:00:00Z",
      "UTC",
      "quarter",
      "2025-07-01",
      "2025-09-30",
      ["2025-07", "2025-08", "2025-09"],
      "Q3 2025",
    ],
    [
      "2025-Q3",
      "2026-12-01T09:00:00Z",
      "UTC",
      "quarter",
      "2025-07-01",
      "2025-09-30",
      ["2025-07", "2025-08", "2025-09"],
      "Q3 2025",
    ],
    [
      "YTD",
      "2026-12-01T09:00:00Z",
      "UTC",
      "ytd",
      "2026-01-01",
      "2026-12-01",
      monthsBetween("2026-01", "2026-12"),
      "1 Jan–1 Dec 2026",
    ],
    [
      "year to date",
      "2028-02-29T09:00:00Z",
      "UTC",
      "ytd",
      "2028-01-01",
      "2028-02-29",
      ["2028-01", "2028-02"],
      "1 Jan–29 Feb 2028",
    ],
    [
      "ytd",
      "2026-12-31T11:30:00Z",
      "Pacific/Auckland",
      "ytd",
      "2027-01-01",
      "2027-01-01",
      ["2027-01"],
      "1 Jan–1 Jan 2027",
    ],
    [
      "this year",
      "2026-06-15T09:00:00Z",
      "UTC",
      "year",
      "2026-01-01",
      "2026-12-31",
      monthsBetween("2026-01", "2026-06"),
      "2026",
    ],
    [
      "last year",
      "2026-06-15T09:00:00Z",
      "UTC",
      "year",
      "2025-01-01",
      "2025-12-31",
      monthsBetween("2025-01", "2025-12"),
      "2025",
    ],
    [
      "P&L for March last year",
      "2026-06-15T09:00:00Z",
      "UTC",
      "month",
      "2025-03-01",
      "2025-03-31",
      ["2025-03"],
      "March 2025",
    ],
    [
      "december of last year",
      "2027-01-01T00:30:00Z",
      "UTC",
      "month",
      "2026-12-01",
      "2026-12-31",
      ["2026-12"],
      "December 2026",
    ],
    [
      "revenue in 2025",
      "2026-06-15T09:00:00Z",
      "UTC",
      "year",
      "2025-01-01",
      "2025-12-31",
      monthsBetween("2025-01", "2025-12"),
      "2025",
    ],
  ])("reads %j on %s (%s) as a %s from %s to %s", (text, now, zone, kind, from, to, months, label) => {
    expect(span(resolve(text, now, zone))).toEqual({ kind, from, to, months, label });
  });
});

describe("calendarWeek and 'this week'", () => {
  it.each([
    // now                    zone                 Monday        Sunday
    ["2026-12-01T09:00:00Z", "UTC", "2026-11-30", "2026-12-06"],
    ["2026-11-29T23:30:00Z", "UTC", "2026-11-23", "2026-11-29"],
    // Sunday 23:30 UTC is already Monday in Auckland and Kolkata, still Sunday in New York.
    ["2026-11-29T23:30:00Z", "Pacific/Auckland", "2026-11-30", "2026-12-06"],
    ["2026-11-29T19:00:00Z", "Asia/Kolkata", "2026-11-30", "2026-12-06"],
    ["2026-11-30T03:00:00Z", "America/New_York", "2026-11-23", "2026-11-29"],
    ["2026-12-31T12:00:00Z", "UTC", "2026-12-28", "2027-01-03"],
    ["2028-02-29T12:00:00Z", "UTC", "2028-02-28", "2028-03-05"],
  ])("at %s in %s runs Monday %s to Sunday %s", (now, zone, monday, sunday) => {
    const week = calendarWeek(at(now), zone);
    expect(week).toMatchObject({ kind: "week", from: monday, to: sunday });
    expect(resolve("what shipped this week?", now, zone)).toMatchObject({ from: monday, to: sunday });
  });

  it("labels a week that crosses the year with both years", () => {
    expect(calendarWeek(at("2026-12-31T12:00:00Z"), "UTC").label).toBe("28 Dec 2026–3 Jan 2027");
    expect(calendarWeek(at("2026-12-01T12:00:00Z"), "UTC").label).toBe("30 Nov–6 Dec 2026");
  });

  it("reads 'last week' as the calendar week before, not the last seven days", () => {
    expect(resolve("deals won last week", "2026-12-02T09:00:00Z")).toMatchObject({
      from: "2026-11-23",
      to: "2026-11-29",
    });
  });

  it("starts and ends the week at local midnight across London's spring change (167 hours)", () => {
    const week = calendarWeek(at("2026-03-25T12:00:00Z"), "Europe/London");
    expect(week.start).toBe(at("2026-03-23T00:00:00Z"));
    expect(week.end).toBe(at("2026-03-29T23:00:00Z"));
    expect((week.end - week.start) / 3_600_000).toBe(167);
  });

  it("starts and ends the week at local midnight across New York's autumn change (169 hours)", () => {
    const week = calendarWeek(at("2026-11-03T12:00:00Z"), "America/New_York");
    expect(week.from).toBe("2026-11-02");
    expect(week.start).toBe(at("2026-11-02T05:00:00Z"));
    const before = resolve("last week", "2026-11-03T12:00:00Z", "America/New_York") as Period;
    expect(before.start).toBe(at("2026-10-26T04:00:00Z"));
    expect(before.end).toBe(at("2026-11-02T05:00:00Z"));
    expect((before.end - before.start) / 3_600_000).toBe(169);
  });

  it("follows Auckland's April change and keeps Kolkata's fixed offset", () => {
    const nz = calendarWeek(at("2026-04-01T00:00:00Z"), "Pacific/Auckland");
    expect(nz.from).toBe("2026-03-30");
    expect(nz.start).toBe(at("2026-03-29T11:00:00Z"));
    expect(nz.end).toBe(at("2026-04-05T12:00:00Z"));
    const india = calendarWeek(at("2026-03-25T12:00:00Z"), "Asia/Kolkata");
    expect(india.start).toBe(at("2026-03-22T18:30:00Z"));
    expect(india.end - india.start).toBe(7 * 86_400_000);
  });
});

describe("start and end instants", () => {
  it("are local midnights for a month in every zone", () => {
    const expected: Record<(typeof zones)[number], [string, string]> = {
      UTC: ["2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"],
      "Europe/London": ["2026-03-01T00:00:00Z", "2026-03-31T23:00:00Z"],
      "America/New_York": ["2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z"],
      "Pacific/Auckland": ["2026-02-28T11:00:00Z", "2026-03-31T11:00:00Z"],
      "Asia/Kolkata": ["2026-02-28T18:30:00Z", "2026-03-31T18:30:00Z"],
    };
    for (const zone of zones) {
      const p = resolve("March", "2026-04-15T12:00:00Z", zone) as Period;
      expect([p.start, p.end], zone).toEqual(expected[zone].map(at));
    }
  });
});

describe("previousPeriod: the equal period to compare with", () => {
  const ctx = { now: at("2026-12-01T09:00:00Z"), timeZone: "UTC" };
  const prev = (text: string, c = ctx) => span(previousPeriod(resolvePeriod(text, c) as Period, c));

  it("compares a month with the month before, across the year", () => {
    expect(prev("January 2026")).toEqual({
      kind: "month",
      from: "2025-12-01",
      to: "2025-12-31",
      months: ["2025-12"],
      label: "December 2025",
    });
    expect(prev("March 2028")?.to).toBe("2028-02-29");
  });

  it("compares a quarter in progress with as many months of the quarter before", () => {
    const c = { now: at("2026-11-15T09:00:00Z"), timeZone: "UTC" };
    expect(prev("this quarter", c)).toMatchObject({ label: "Q3 2026", months: ["2026-07", "2026-08"] });
    expect(prev("Q1 2026")).toMatchObject({ label: "Q4 2025", months: ["2025-10", "2025-11", "2025-12"] });
  });

  it("compares YTD with the same days of last year, leap day included", () => {
    expect(prev("YTD")).toMatchObject({
      from: "2025-01-01",
      to: "2025-12-01",
      months: monthsBetween("2025-01", "2025-12"),
    });
    const leap = { now: at("2028-02-29T09:00:00Z"), timeZone: "UTC" };
    expect(prev("YTD", leap)).toMatchObject({ from: "2027-01-01", to: "2027-02-28", months: ["2027-01", "2027-02"] });
  });

  it("compares a year with the same months of the year before", () => {
    const c = { now: at("2026-06-15T09:00:00Z"), timeZone: "UTC" };
    expect(prev("this year", c)).toMatchObject({ label: "2025", months: monthsBetween("2025-01", "2025-06") });
  });

  it("compares a week with the week before", () => {
    expect(prev("this week")).toMatchObject({ from: "2026-11-23", to: "2026-11-29" });
  });

  it("compares a span of months with as many months just before it", () => {
    const p = monthSpanPeriod("2026-09", "2026-11", ctx);
    expect(span(p)).toEqual({
      kind: "span",
      from: "2026-09-01",
      to: "2026-11-30",
      months: ["2026-09", "2026-10", "2026-11"],
      label: "Sep–Nov 2026",
    });
    expect(span(previousPeriod(p, ctx))).toMatchObject({
      months: ["2026-06", "2026-07", "2026-08"],
      label: "Jun–Aug 2026",
    });
    expect(monthSpanPeriod("2025-11", "2026-02", ctx).label).toBe("Nov 2025–Feb 2026");
  });
});

describe("month helpers", () => {
  it("shifts months across years", () => {
    expect(shiftMonth("2026-01", -1)).toBe("2025-12");
    expect(shiftMonth("2026-12", 1)).toBe("2027-01");
    expect(shiftMonth("2026-11", -14)).toBe("2025-09");
  });

  it("lists months between two, and none when they are reversed", () => {
    expect(monthsBetween("2025-11", "2026-02")).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(monthsBetween("2026-02", "2025-11")).toEqual([]);
  });
});

describe("the process timezone", () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it("does not change any period", () => {
    const expected = span(resolve("this quarter", "2026-12-31T23:30:00Z", "UTC"));
    const week = calendarWeek(at("2026-03-29T23:30:00Z"), "Europe/London");
    for (const tz of ["Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata"]) {
      process.env.TZ = tz;
      expect(span(resolve("this quarter", "2026-12-31T23:30:00Z", "UTC")), tz).toEqual(expected);
      expect(calendarWeek(at("2026-03-29T23:30:00Z"), "Europe/London"), tz).toEqual(week);
      expect(monthsBetween("2026-10", "2027-01"), tz).toHaveLength(4);
    }
  });
});
