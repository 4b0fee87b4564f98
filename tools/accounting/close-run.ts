/**
 * Runs the close checks off the event loop when the input is large. A month of a million bank
 * lines takes seconds of CPU (bench/close-matching.bench.ts); on the main thread that would
 * stall every ack and reply meanwhile (issue 11). Small months stay inline: starting a worker
 * costs tens of milliseconds, more than their checks.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import { DaybookError } from "../../src/core/errors.ts";
import {
  assembleCloseReport,
  type CheckInput,
  type CloseFindings,
  type CloseInput,
  type CloseOptions,
  type CloseReport,
  type FindingsOptions,
  findCloseExceptions,
} from "./close-checks.ts";
import { decodeFindings, type FromWorker, packChunk, type Table, type ToWorker, transferList } from "./close-wire.ts";

/** Records (invoices + purchase orders + bank lines) from which a run goes to a worker. */
export const OFF_THREAD_MIN_ROWS = 20_000;

export interface OffThreadOptions {
  /** A worker that has not answered by then is stopped and the run fails with code "timeout". Default 60 s. */
  timeoutMs?: number;
  /** Rows packed per message; the main thread yields between messages. Default 10,000 (a few ms each). */
  chunkRows?: number;
  /** Starts the worker; tests pass one that crashes or hangs. */
  spawn?: () => Worker;
}

export interface RunOptions extends OffThreadOptions {
  /** Inputs with fewer records run inline. Default OFF_THREAD_MIN_ROWS. */
  minRowsOffThread?: number;
}

const workerUrl = new URL("./close-worker.ts", import.meta.url);

export function checkRows(input: CheckInput): number {
  return input.invoices.length + input.purchaseOrders.length + input.bankTransactions.length;
}

function findingsOptions(opts: FindingsOptions): FindingsOptions {
  return {
    duplicateWindowDays: opts.duplicateWindowDays,
    matchWindowDays: opts.matchWindowDays,
    feeMaxAmount: opts.feeMaxAmount,
  };
}

/** The record checks in a worker thread: the same findings as findCloseExceptions, or a DaybookError. */
export function findCloseExceptionsOffThread(
  input: CheckInput,
  opts: FindingsOptions = {},
  run: OffThreadOptions = {},
): Promise<CloseFindings> {
  const timeoutMs = run.timeoutMs ?? 60_000;
  const chunkRows = Math.max(1, run.chunkRows ?? 10_000);
  return new Promise<CloseFindings>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = run.spawn ? run.spawn() : new Worker(workerUrl);
    } catch (error) {
      reject(new DaybookError("internal", "could not start the close worker", { cause: error }));
      return;
    }
    let settled = false;
    const finish = (error: DaybookError | undefined, findings?: CloseFindings): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.removeAllListeners();
      // A late 'error' from a worker being stopped must not become an uncaught exception.
      worker.on("error", () => {});
      void worker.terminate();
      if (error) reject(error);
      else resolve(findings as CloseFindings);
    };
    const fail = (message: string, cause?: unknown) =>
      finish(new DaybookError("internal", message, cause === undefined ? {} : { cause }));
    const timer = setTimeout(
      () => finish(new DaybookError("timeout", `close checks did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref();
    worker.on("message", (reply: FromWorker) => {
      if (reply.kind === "done") finish(undefined, decodeFindings(reply));
      else fail(`close checks failed in the worker: ${reply.message}`);
    });
    worker.on("messageerror", (error) => fail("close worker sent an unreadable reply", error));
    worker.on("error", (error) => fail("close worker crashed", error));
    worker.on("exit", (code) => fail(`close worker exited with code ${code} before answering`));

    const send = async (): Promise<void> => {
      for (const table of ["invoices", "purchaseOrders", "bankTransactions"] as Table[]) {
        const rows = input[table].length;
        for (let from = 0; from < rows && !settled; from += chunkRows) {
          const chunk = packChunk(input, table, from, Math.min(rows, from + chunkRows));
          worker.postMessage(chunk satisfies ToWorker, transferList(chunk));
          // Let acks and replies run between chunks: packing a chunk takes milliseconds.
          await nextTurn();
        }
      }
      if (!settled) worker.postMessage({ kind: "run", options: findingsOptions(opts) } satisfies ToWorker);
    };
    send().catch((error: unknown) => fail("could not send the close records to the worker", error));
  });
}

/** runCloseChecks in a worker thread: the same CloseReport, the event loop free meanwhile. */
export async function runCloseChecksOffThread(
  input: CloseInput,
  opts: CloseOptions = {},
  run: OffThreadOptions = {},
): Promise<CloseReport> {
  return assembleCloseReport(input, await findCloseExceptionsOffThread(input, opts, run), opts);
}

/** Findings inline for a small input, in a worker for a large one. */
export async function closeFindings(
  input: CheckInput,
  opts: FindingsOptions = {},
  run: RunOptions = {},
): Promise<CloseFindings> {
  if (checkRows(input) < (run.minRowsOffThread ?? OFF_THREAD_MIN_ROWS)) return findCloseExceptions(input, opts);
  return findCloseExceptionsOffThread(input, opts, run);
}
