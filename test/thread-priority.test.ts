/**
 * The worker role's thread runs at a lower CPU priority than the web thread
 * (src/compose/thread-priority.ts), so an ack never queues for a CPU behind an agent turn.
 */
import { readlinkSync } from "node:fs";
import { getPriority } from "node:os";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";

const moduleUrl = new URL("../src/compose/thread-priority.ts", import.meta.url).href;

/** Runs lowerThisThreadPriority(steps) in a fresh worker thread; its answer, tid and nice after. */
function inWorkerThread(steps: number): Promise<{ lowered: boolean; tid: number; nice: number }> {
  const source = `
    const { parentPort } = require("node:worker_threads");
    const { readlinkSync } = require("node:fs");
    const { getPriority } = require("node:os");
    import(${JSON.stringify(moduleUrl)}).then((m) => {
      const lowered = m.lowerThisThreadPriority(${steps});
      const tid = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
      parentPort.postMessage({ lowered, tid, nice: getPriority(tid) });
    });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true });
    worker.once("message", (m) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

describe.skipIf(process.platform !== "linux")("lowering a worker thread's CPU priority", () => {
  const mainTid = () => Number(readlinkSync("/proc/thread-self").split("/").at(-1));

  it("raises the nice value of that thread by the steps asked, capped at 19", async () => {
    const before = getPriority(mainTid());
    const result = await inWorkerThread(3);
    expect(result.lowered).toBe(true);
    expect(result.tid).not.toBe(mainTid());
    expect(result.nice).toBe(Math.min(19, before + 3));
  });

  it("leaves the calling process's main thread where it was", async () => {
    const before = getPriority(mainTid());
    await inWorkerThread(10);
    expect(getPriority(mainTid())).toBe(before);
    expect(getPriority(process.pid)).toBe(before);
  });

  it("never goes past the weakest priority the kernel has", async () => {
    const result = await inWorkerThread(100);
    expect(result.lowered).toBe(true);
    expect(result.nice).toBe(19);
  });
});
