import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { monthOf, previousMonth } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { generateDemoOrg } from "../demo/generate.ts";
import { type CloseInput, runCloseChecks } from "./close-checks.ts";
import { closeFindings, runCloseChecksOffThread } from "./close-run.ts";

const now = Date.parse("2026-11-23T09:00:00Z");

function demoMonth(scale: number): CloseInput {
  const a = generateDemoOrg({ now, scale, volumes: { issues: 0, customers: 50 } }).accounting;
  const month = monthOf(now);
  return {
    month,
    invoices: a.invoices.filter((i) => i.date.startsWith(month)),
    purchaseOrders: a.purchaseOrders.filter((p) => p.date.startsWith(month)),
    bankTransactions: a.bankTransactions,
    pnl: a.pnl[month] as CloseInput["pnl"],
    previousPnl: a.pnl[previousMonth(month)],
    asOf: "2026-11-23",
  };
}

const evalWorker = (code: string) => () => new Worker(code, { eval: true });

describe("close checks off the event loop", () => {
  const month = demoMonth(4);
  const unreconciled: CloseInput = {
    ...month,
    bankTransactions: month.bankTransactions.map((t) => ({ ...t, reconciled: false, matchedTo: undefined })),
  };

  it("returns exactly the report the inline checks return, as delivered and with every bank line unreconciled", async () => {
    for (const input of [month, unreconciled]) {
      // Small chunks, so the records cross in many messages.
      const off = await runCloseChecksOffThread(input, { matchWindowDays: 5 }, { chunkRows: 777 });
      const inline = runCloseChecks(input, { matchWindowDays: 5 });
      expect(off).toStrictEqual(inline);
      expect(off.counts.exceptions).toBeGreaterThan(0);
    }
    expect(runCloseChecks(unreconciled).counts.bankMatched).toBeGreaterThan(100);
  });

  it("keeps a small month inline and never starts a worker for it", async () => {
    const small = { ...month, bankTransactions: month.bankTransactions.slice(0, 100) };
    const spawn = () => {
      throw new Error("no worker for a small month");
    };
    await expect(closeFindings(small, {}, { spawn, minRowsOffThread: 5_000 })).resolves.toMatchObject({
      bills: runCloseChecks(small).counts.bills,
    });
    await expect(closeFindings(month, {}, { spawn, minRowsOffThread: 5_000 })).rejects.toMatchObject({
      code: "internal",
    });
  });

  it("turns a worker that exits, throws or hangs into a DaybookError instead of waiting forever", async () => {
    const cases = [
      [evalWorker("process.exit(3)"), "internal", /exited with code 3/],
      [evalWorker("throw new Error('worker broke')"), "internal", /crashed/],
      [
        evalWorker(
          "require('node:worker_threads').parentPort.on('message', (m) => m.kind === 'run' && require('node:worker_threads').parentPort.postMessage({ kind: 'failed', message: 'bad input' }))",
        ),
        "internal",
        /bad input/,
      ],
      [evalWorker("setInterval(() => {}, 1000)"), "timeout", /did not finish within 300 ms/],
    ] as const;
    for (const [spawn, code, message] of cases) {
      const failure = await runCloseChecksOffThread(month, {}, { spawn, timeoutMs: 300 }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DaybookError);
      expect(failure).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });
});
