/**
 * Month-end close matching at scale (issue 7): runCloseChecks (bills to POs, duplicate
 * detection, bank-to-books hash join, variances) over
 *   A) the demo organisation at 100x (25,000 bills, 125,000 bank lines)
 *   B) 1,000,000 bank transactions against 100,000 ledger lines (bills)
 * each as delivered (nearly everything pre-reconciled) and with every bank line unreconciled,
 * so that all of them go through the hash join. The baseline is the floor any implementation
 * pays: JSON.parse of the same data serialized, measured in the same run. Reports median of
 * 3 runs, the ratio check/parse, heap growth during one check, and the process's peak RSS.
 */
import { performance } from "node:perf_hooks";
import { monthOf, previousMonth } from "../src/core/domain/common.ts";
import { type CloseInput, runCloseChecks } from "../tools/accounting/close-checks.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { fmt, percentile, table } from "./stats.ts";

const now = Date.parse("2026-11-23T09:00:00Z");
const runs = 3;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function inputFrom(volumes: { bills: number; bankTransactions: number } | { scale: number }): CloseInput {
  const org =
    "scale" in volumes
      ? generateDemoOrg({ now, scale: volumes.scale, volumes: { issues: 0, customers: 400 } })
      : generateDemoOrg({ now, volumes: { issues: 0, customers: 400, ...volumes } });
  const a = org.accounting;
  const month = monthOf(now);
  // The close month's books only, as the connectors list them (the demo holds two years).
  return {
    month,
    invoices: a.invoices.filter((i) => i.date.startsWith(month)),
    purchaseOrders: a.purchaseOrders.filter((p) => p.date.startsWith(month)),
    bankTransactions: a.bankTransactions,
    pnl: a.pnl[month] as CloseInput["pnl"],
    previousPnl: a.pnl[previousMonth(month)] as CloseInput["pnl"],
    asOf: new Date(now).toISOString().slice(0, 10),
  };
}

function median(fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return percentile(samples, 50);
}

interface Row {
  name: string;
  bank: number;
  ledger: number;
  mb: number;
  parseMs: number;
  checkMs: number;
  heapMb: number;
  exceptions: number;
  matched: number;
  rssMb: number;
}

function measure(name: string, input: CloseInput): Row {
  const json = JSON.stringify(input);
  input = undefined as unknown as CloseInput; // let the generator's copy go before measuring
  gc();
  let parsed = JSON.parse(json) as CloseInput;
  const parseMs = median(() => {
    parsed = JSON.parse(json) as CloseInput;
  });
  let report = runCloseChecks(parsed);
  const checkMs = median(() => {
    report = runCloseChecks(parsed);
  });
  gc();
  const before = process.memoryUsage().heapUsed;
  report = runCloseChecks(parsed);
  const heapMb = (process.memoryUsage().heapUsed - before) / 1e6;
  return {
    name,
    bank: parsed.bankTransactions.length,
    ledger: parsed.invoices.length,
    mb: json.length / 1e6,
    parseMs,
    checkMs,
    heapMb,
    exceptions: report.counts.exceptions,
    matched: report.counts.bankMatched,
    // maxRSS is in kilobytes and process-wide: the peak so far, including data generation.
    rssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function unreconciled(input: CloseInput): CloseInput {
  return {
    ...input,
    bankTransactions: input.bankTransactions.map((t) => ({ ...t, reconciled: false, matchedTo: undefined })),
  };
}

const rows: Row[] = [];
{
  const demo = inputFrom({ scale: 100 });
  rows.push(measure("demo x100, as delivered", demo));
  rows.push(measure("demo x100, all bank lines unreconciled", unreconciled(demo)));
}
gc();
{
  const big = inputFrom({ bills: 100_000, bankTransactions: 1_000_000 });
  rows.push(measure("1M bank lines vs 100k bills, as delivered", big));
  rows.push(measure("1M bank lines vs 100k bills, all unreconciled", unreconciled(big)));
}

const out = [
  "### Month-end close matching (runCloseChecks)",
  "",
  `Median of ${runs} runs, node ${process.version}. Baseline = JSON.parse of the same input serialized (the floor any implementation pays to load it).`,
  "",
  table(
    [
      "case",
      "bank lines",
      "ledger lines",
      "JSON MB",
      "parse ms",
      "checks ms",
      "checks / parse",
      "heap +MB (one check)",
      "bank matched",
      "exceptions",
      "peak RSS MB (so far)",
    ],
    rows.map((r) => [
      r.name,
      r.bank.toLocaleString("en-US"),
      r.ledger.toLocaleString("en-US"),
      fmt(r.mb, 1),
      fmt(r.parseMs, 0),
      fmt(r.checkMs, 0),
      `${fmt(r.checkMs / r.parseMs, 2)}x`,
      fmt(r.heapMb, 1),
      r.matched.toLocaleString("en-US"),
      r.exceptions.toLocaleString("en-US"),
      fmt(r.rssMb, 0),
    ]),
  ),
  "",
  "Hash joins throughout (bills to POs by number, duplicates by vendor+number/reference/amount, bank to books by signed amount in cents then date window and reference/contact), so time grows linearly with the rows.",
];
process.stdout.write(`${out.join("\n")}\n`);
