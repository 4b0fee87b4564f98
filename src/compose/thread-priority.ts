import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/**
 * How much lower than the web thread the worker role runs (Linux nice steps). Under CFS a
 * runnable thread at nice +10 gets about a tenth of the CPU a nice 0 one does while both want
 * it, and all of it while the web thread is idle: turns still use every spare cycle, but an
 * ack never waits behind an agent turn for a CPU (measured in bench/burst.bench.ts).
 */
export const workerNiceSteps = 10;

/**
 * Lowers the CPU priority of the calling thread only (not the process): on Linux,
 * setpriority(PRIO_PROCESS, tid) applies to one thread, and /proc/thread-self names the
 * calling thread (https://man7.org/linux/man-pages/man2/setpriority.2.html, BUGS: "the nice
 * value is a per-thread attribute"). Raising a nice value needs no privilege. Elsewhere, or if
 * the kernel refuses, nothing changes and false is answered: a priority is never worth a start.
 */
export function lowerThisThreadPriority(steps = workerNiceSteps): boolean {
  if (process.platform !== "linux") return false;
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
    if (!Number.isInteger(tid) || tid <= 0) return false;
    // os.setPriority takes an absolute nice value; relative keeps an operator's own `nice`.
    setPriority(tid, Math.min(19, getPriority(tid) + steps));
    return true;
  } catch {
    return false;
  }
}
