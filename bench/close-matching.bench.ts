/**
 * Month-end close matching at scale (issue 11): 10k, 100k and 1M bank lines, every line
 * unreconciled so all of them go through the matcher, on two shapes:
 *   distinct  the demo organisation's books (varied amounts), 1 bill per 10 bank lines;
 *   repeated  subscriptions: 1 bill per 2 lines, all of 3 amounts from 10 vendors, lines in
 *             shuffled order, half of them matching no bill (the case that was quadratic:
 *             100k lines took 11-69 s).
 * Each case runs in a fresh process that reads the input from a file, so the figures are of the
 * checks, not of data generation. Reported per case, in the same run:
 *   parse    JSON.parse of the same input (the floor any implementation pays to load it);
 *   checks   runCloseChecks inline (median), its ratio to parse and per bank line; the growth
 *            column divides the per-line time by the 10k case's of the same shape (1 = linear);
 *   RSS      peak resident memory above the level just before the checks, sampled every 2 ms
 *            by a thread that does nothing else;
 *   worker   the close tool's path (closeReports: version hash, worker, assemble) for a first
 *            question, the longest event-loop stall during it, and a repeated question (cache hit).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { BankTransaction, Invoice } from "../src/core/domain/accounting.ts";
import { monthOf, previousMonth } from "../src/core/domain/common.ts";
import { CloseReportCache } from "../tools/accounting/close-cache.ts";
import { type CloseInput, findCloseExceptions, runCloseChecks } from "../tools/accounting/close-checks.ts";
import { generateDemoOrg, mulberry32 } from "../tools/demo/generate.ts";
import { fmt, percentile, table } from "./stats.ts";

const now = Date.parse("2026-11-23T09:00:00Z");
const month = monthOf(now);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const sizes = (process.env.CLOSE_BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const shapes = ["distinct", "repeated"] as const;
type Shape = (typeof shapes)[number];

function distinct(lines: number): CloseInput {
  const a = generateDemoOrg({
    now,
    volumes: { issues: 0, customers: 400, bills: lines / 10, bankTransactions: lines },
  }).accounting;
  return {
    month,
    invoices: a.invoices.filter((i) => i.date.startsWith(month)),
    purchaseOrders: a.purchaseOrders.filter((p) => p.date.startsWith(month)),
    bankTransactions: a.bankTransactions.map((t) => ({ ...t, reconciled: false, matchedTo: undefined })),
    pnl: a.pnl[month] as CloseInput["pnl"],
    previousPnl: a.pnl[previousMonth(month)],
    asOf: "2026-11-23",
  };
}

function repeated(lines: number): CloseInput {
  const rand = mulberry32(11);
  const amounts = [9.99, 49, 199];
  const vendors = Array.from({ length: 10 }, (_, i) => `Subscription Vendor ${i}`);
  const day = (d: number) => `${month}-${String(1 + (d % 28)).padStart(2, "0")}`;
  const invoices: Invoice[] = Array.from({ length: lines / 2 }, (_, i) => ({
    id: `bill-${i}`,
    number: `SUB-${i}`,
    type: "ACCPAY",
    contact: { id: `v${i % 10}`, name: vendors[i % 10]! },
    date: day(Math.floor(rand() * 28)),
    total: amounts[i % 3]!,
    currency: "USD",
    status: "AUTHORISED",
    lines: [],
  }));
  const bank: BankTransaction[] = Array.from({ length: lines }, (_, i) => {
    const b = invoices[Math.floor(rand() * invoices.length)]!;
    const pays = i % 2 === 0;
    return {
      id: `tx-${i}`,
      date: day(Math.floor(rand() * 28)),
      amount: -b.total,
      kind: "SPEND",
      description: pays ? `${b.contact.name} subscription` : "card payment",
      ...(pays && i % 4 === 0 ? { reference: b.number } : {}),
      ...(pays && i % 4 === 2 ? { contact: b.contact.name } : { contact: "Unknown Merchant" }),
      reconciled: false,
      bankAccount: "Operating",
    };
  });
  const pnl = {
    month,
    currency: "USD",
    income: [],
    expenses: [{ account: "Software", amount: 1_000 }],
    totalIncome: 0,
    totalExpenses: 1_000,
    netProfit: -1_000,
  };
  return { month, invoices, purchaseOrders: [], bankTransactions: bank, pnl, asOf: "2026-11-23" };
}

function median(runs: number, fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return percentile(samples, 50);
}

/** A thread that records the process's peak RSS (in KB) into shared memory until stopped. */
function rssSampler() {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { workerData: s } = require("node:worker_threads");
     setInterval(() => { const kb = Math.round(process.memoryUsage.rss() / 1024); if (kb > Atomics.load(s, 0)) Atomics.store(s, 0, kb); if (Atomics.load(s, 1)) process.exit(0); }, 2);`,
    { eval: true, workerData: shared },
  );
  return {
    /** Peak RSS in MB above the current level, from now until the returned function is called. */
    start(): () => number {
      const base = process.memoryUsage.rss() / 1024;
      Atomics.store(shared, 0, base);
      return () => (Math.max(Atomics.load(shared, 0), process.memoryUsage.rss() / 1024) - base) / 1024;
    },
    stop(): void {
      Atomics.store(shared, 1, 1);
      worker.unref();
    },
  };
}

interface Row {
  shape: Shape;
  lines: number;
  ledger: number;
  mb: number;
  parseMs: number;
  checkMs: number;
  rssMb: number;
  firstMs: number;
  stallMs: number;
  hitMs: number;
  matched: number;
  exceptions: number;
  steps: number;
}

async function measure(shape: Shape, file: string): Promise<Row> {
  const json = readFileSync(file, "utf8");
  const small = json.length < 50e6;
  let input = JSON.parse(json) as CloseInput;
  const parseMs = median(small ? 5 : 3, () => {
    input = JSON.parse(json) as CloseInput;
  });
  const mb = json.length / 1e6;
  const sampler = rssSampler();
  await new Promise((r) => setTimeout(r, 50));
  let report = runCloseChecks(input);
  gc();
  const peak = sampler.start();
  report = runCloseChecks(input);
  const rssMb = peak();
  const checkMs = median(small ? 5 : 3, () => {
    report = runCloseChecks(input);
  });
  sampler.stop();

  const cache = new CloseReportCache();
  let stallMs = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const t = performance.now();
    stallMs = Math.max(stallMs, t - last);
    last = t;
  }, 1);
  let t0 = performance.now();
  const first = await cache.report(input);
  const firstMs = performance.now() - t0;
  // An inline run blocks until here without a tick in between.
  stallMs = Math.max(stallMs, performance.now() - last);
  clearInterval(tick);
  t0 = performance.now();
  await cache.report(input);
  const hitMs = performance.now() - t0;
  if (JSON.stringify(first.counts) !== JSON.stringify(report.counts)) throw new Error("worker and inline disagree");
  return {
    shape,
    lines: input.bankTransactions.length,
    ledger: input.invoices.length,
    mb,
    parseMs,
    checkMs,
    rssMb,
    firstMs,
    stallMs,
    hitMs,
    matched: report.counts.bankMatched,
    exceptions: report.counts.exceptions,
    steps: findCloseExceptions(input).matchSteps,
  };
}

const self = fileURLToPath(import.meta.url);
const [mode, arg1, arg2] = process.argv.slice(2);
if (mode === "--make") {
  const [shape, lines] = (arg1 as string).split(":") as [Shape, string];
  const input = shape === "distinct" ? distinct(Number(lines)) : repeated(Number(lines));
  writeFileSync(arg2 as string, JSON.stringify(input));
} else if (mode === "--measure") {
  const row = await measure(arg1 as Shape, arg2 as string);
  process.stdout.write(JSON.stringify(row));
  process.exit(0);
} else {
  const loadBefore = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), "close-bench-"));
  const rows: Row[] = [];
  const run = (args: string[]): string => {
    const r = spawnSync(process.execPath, ["--expose-gc", self, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 16 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`close bench child failed: ${args.join(" ")}`);
    return r.stdout;
  };
  try {
    for (const shape of shapes) {
      for (const lines of sizes) {
        const file = join(dir, `${shape}-${lines}.json`);
        run(["--make", `${shape}:${lines}`, file]);
        rows.push(JSON.parse(run(["--measure", shape, file])) as Row);
        rmSync(file);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const perLine = (r: Row) => (r.checkMs * 1000) / r.lines;
  const base = (r: Row) => rows.find((x) => x.shape === r.shape && x.lines === sizes[0])!;
  const out = [
    "### Month-end close matching (runCloseChecks, every bank line unreconciled)",
    "",
    `node ${process.version}, load average ${fmt(loadBefore, 1)} before / ${fmt(loadavg()[0]!, 1)} after, each case in a fresh process. Baseline = JSON.parse of the same input in that process. Growth = time per line / the 10k case's (1.0 = linear). Peak RSS = above the level just before the checks.`,
    "",
    table(
      [
        "shape",
        "bank lines",
        "bills",
        "JSON MB",
        "parse ms",
        "checks ms",
        "checks / parse",
        "µs / line",
        "growth vs 10k",
        "matcher steps / line",
        "peak RSS +MB",
        "close tool 1st ms (worker)",
        "max loop stall ms",
        "repeat question ms (cache)",
        "matched",
        "exceptions",
      ],
      rows.map((r) => [
        r.shape,
        r.lines.toLocaleString("en-US"),
        r.ledger.toLocaleString("en-US"),
        fmt(r.mb, 1),
        fmt(r.parseMs, 0),
        fmt(r.checkMs, 0),
        `${fmt(r.checkMs / r.parseMs, 2)}x`,
        fmt(perLine(r), 2),
        `${fmt(perLine(r) / perLine(base(r)), 2)}x`,
        fmt(r.steps / r.lines, 1),
        fmt(r.rssMb, 0),
        fmt(r.firstMs, 0),
        fmt(r.stallMs, 0),
        fmt(r.hitMs, 0),
        r.matched.toLocaleString("en-US"),
        r.exceptions.toLocaleString("en-US"),
      ]),
    ),
    "",
    "Under 20,000 records the close tool runs the checks inline (a worker costs tens of ms); above, in a worker fed in chunks with a yield between them. The repeat question hashes the checked fields (in chunks) and reuses the findings.",
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}
