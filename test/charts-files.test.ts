/**
 * Issue 16, items 8-9 below the platforms: the charts are real PNGs whose pixels follow the
 * data (decoded with pngjs), on the demo and the second organisation; exports are RFC 4180 CSV
 * with formulas neutralised; file links are signed, expiring and bound to one file; the
 * console writes a posted file to disk and prints where.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../adapters/console/console-adapter.ts";
import { burndownChart, pipelineChart, pnlTrendChart, velocityChart } from "../chains/charts/charts.ts";
import { renderChart } from "../chains/charts/render.ts";
import { fixedClock } from "../src/core/clock.ts";
import { type ChatFile, FileLinks, FileShelf } from "../src/core/files.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { northwindProfile } from "../tools/demo/profile.ts";
import { neutralise, toCsv } from "../tools/shared/csv.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";

function decode(file: ChatFile | Uint8Array | undefined): PNG {
  if (!file) throw new Error("no chart");
  const bytes = file instanceof Uint8Array ? file : file.bytes;
  return PNG.sync.read(Buffer.from(bytes));
}

function pixelHash(png: PNG): string {
  return createHash("sha256").update(png.data).digest("hex");
}

function inkedPixels(png: PNG): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if ((png.data[i] ?? 255) < 200 || (png.data[i + 1] ?? 255) < 200 || (png.data[i + 2] ?? 255) < 200) n++;
  }
  return n;
}

const orgs = [
  { label: "the demo org", profile: northwindProfile, timeZone: "UTC" },
  { label: "the second org", profile: secondOrgProfile, timeZone: "Europe/Berlin" },
];

describe.each(orgs)("charts on $label", ({ profile, timeZone }) => {
  const at = (iso: string) => {
    const clock = fixedClock(iso);
    return { ports: createDemoPorts({ clock, profile }), clock, timeZone };
  };

  it("draws the burndown as a PNG twice the chart's size, and a later day of the sprint draws another picture", async () => {
    const monday = decode(await burndownChart(at("2026-11-16T10:00:00Z")));
    const wednesday = decode(await burndownChart(at("2026-11-18T10:00:00Z")));
    expect(monday.width).toBeGreaterThanOrEqual(1_280);
    expect(monday.height).toBeGreaterThanOrEqual(640);
    expect(monday.width).toBeLessThan(2_000);
    expect(pixelHash(monday)).not.toBe(pixelHash(wednesday));
  });

  it("draws the same picture from the same data", async () => {
    const a = await pipelineChart(at("2026-11-18T10:00:00Z"));
    const b = await pipelineChart(at("2026-11-18T10:00:00Z"));
    expect(pixelHash(decode(a))).toBe(pixelHash(decode(b)));
  });

  it("says in the alt text and the fallback what the chart shows, with the figures drawn", async () => {
    const deps = at("2026-11-18T10:00:00Z");
    const pipeline = await pipelineChart(deps);
    const deals = await deps.ports.crm.listOpenDeals();
    const stages = new Set(deals.map((d) => d.stage));
    for (const stage of stages) expect(pipeline?.fallbackText).toContain(`${stage}:`);
    expect(pipeline?.altText).toMatch(/bar chart of the open pipeline by stage/i);
    const trend = await pnlTrendChart(deps, "2026-10");
    const october = await deps.ports.accounting.getProfitAndLoss("2026-10");
    expect(trend?.fallbackText.split("\n")).toHaveLength(6);
    expect(trend?.fallbackText).toContain(
      new Intl.NumberFormat("en-US", { style: "currency", currency: october.currency }).format(october.netProfit),
    );
    const velocity = await velocityChart(deps);
    expect(velocity?.fallbackText.split("\n")).toHaveLength(6);
    expect(decode(velocity).width).toBeGreaterThanOrEqual(1_280);
  });
});

it("draws text: a chart's title alone inks pixels, and another title inks others", async () => {
  const spec = (title: string) => ({ title, data: { values: [{ x: 1 }] }, mark: { type: "point", opacity: 0 } });
  const a = decode(await renderChart(spec("Pipeline by stage")));
  const b = decode(await renderChart(spec("Velocity per week")));
  expect(inkedPixels(a)).toBeGreaterThan(200);
  expect(pixelHash(a)).not.toBe(pixelHash(b));
});

describe("CSV exports", () => {
  it("quotes commas, quotes and line breaks as RFC 4180 says, with CRLF between records", () => {
    const csv = toCsv(
      ["Vendor", "Memo"],
      [
        ["Smith, Jones & Co", 'the "rush" order'],
        ["Line\nbreak", "plain"],
      ],
    );
    expect(csv).toBe('\uFEFFVendor,Memo\r\n"Smith, Jones & Co","the ""rush"" order"\r\n"Line\nbreak",plain\r\n');
  });

  it("neutralises text a spreadsheet would run as a formula, and leaves numbers alone", () => {
    for (const formula of ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]) {
      expect(neutralise(formula)).toBe(`'${formula}`);
    }
    expect(neutralise(-2100)).toBe(-2100);
    expect(neutralise("Net profit")).toBe("Net profit");
    expect(toCsv(["a"], [["=1+1"]])).toBe("\uFEFFa\r\n'=1+1\r\n");
  });
});

describe("file links and the shelf", () => {
  const links = new FileLinks({ secret: "s".repeat(40), baseUrl: "https://daybook.example.com/" });
  const parts = (url: string) => {
    const u = new URL(url);
    return {
      id: u.pathname.split("/").pop() ?? "",
      exp: u.searchParams.get("exp") ?? "",
      sig: u.searchParams.get("sig") ?? "",
    };
  };

  it("accepts its own signature until the link expires", () => {
    const now = Date.UTC(2026, 10, 18, 10);
    const { id, exp, sig } = parts(links.url("abc123", now + 60_000));
    expect(links.verify(id, exp, sig, now)).toBe(true);
    expect(links.verify(id, exp, sig, now + 61_000)).toBe(false);
  });

  it("refuses another file's id, a longer expiry, another secret's signature and a malformed one", () => {
    const now = Date.UTC(2026, 10, 18, 10);
    const { id, exp, sig } = parts(links.url("abc123", now + 60_000));
    expect(links.verify("abc124", exp, sig, now)).toBe(false);
    expect(links.verify(id, String(Number(exp) + 3_600), sig, now)).toBe(false);
    const other = new FileLinks({ secret: "t".repeat(40), baseUrl: "https://daybook.example.com" });
    expect(other.verify(id, exp, sig, now)).toBe(false);
    expect(links.verify(id, exp, "zz", now)).toBe(false);
    expect(links.verify(id, undefined, sig, now)).toBe(false);
  });

  it("keeps a file's bytes until its time to live has passed", async () => {
    const clock = fixedClock("2026-11-18T10:00:00Z");
    const shelf = new FileShelf(new MemoryStore({ clock, sweepIntervalMs: 0 }), { ttlMs: 60_000 });
    const bytes = new Uint8Array([0, 255, 10, 13, 34]);
    const id = await shelf.put({ name: "x.csv", mimeType: "text/csv", bytes, title: "x", fallbackText: "x" });
    expect((await shelf.get(id))?.bytes).toEqual(bytes);
    expect(await shelf.get("a/b")).toBeUndefined();
    clock.advance(61_000);
    expect(await shelf.get(id)).toBeUndefined();
  });
});

it("writes a file posted to the console into its folder and prints the path and the fallback", async () => {
  const dir = mkdtempSync(join(tmpdir(), "daybook-console-files-"));
  const out = new PassThrough();
  const printed: string[] = [];
  out.on("data", (d: Buffer) => printed.push(d.toString()));
  const adapter = new ConsoleAdapter({ output: out, fileDir: dir });
  const bytes = new TextEncoder().encode("a,b\r\n1,2\r\n");
  await adapter.postFile(
    { platform: "console", workspace: "local", channel: "c", thread: "t" },
    { name: "nested/folder/escape.csv", mimeType: "text/csv", bytes, title: "The export", fallbackText: "2 rows." },
  );
  const path = /The export: (\S+)/.exec(printed.join(""))?.[1] ?? "";
  expect(path.startsWith(dir)).toBe(true);
  expect(readFileSync(path, "utf8")).toBe("a,b\r\n1,2\r\n");
  expect(printed.join("")).toContain("2 rows.");
});
