import { randomUUID } from "node:crypto";
import type { Clock } from "../core/clock.ts";
import { toDaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { Store } from "../core/store.ts";

export interface ApprovalSweepOptions {
  sweep: (graceMs: number) => Promise<number>;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** How often one replica looks; default 15 s. */
  everyMs?: number;
  /** How long an approved call may go without an outcome before it is handed on again; default 30 s. */
  graceMs?: number;
}

export const SWEEP_LOCK_KEY = "lock:approvals-sweep";

/**
 * Runs `Approvals.sweep` every `everyMs` on exactly one replica per interval: each tick
 * takes a lock named after the time slot (SET NX with a TTL of one interval), so replicas
 * need no membership list and a dead leader is replaced at the next slot.
 */
export function startApprovalSweep(options: ApprovalSweepOptions): { stop(): Promise<void>; tick(): Promise<void> } {
  const everyMs = options.everyMs ?? 15_000;
  const graceMs = options.graceMs ?? 30_000;
  const me = randomUUID();
  const log = options.logger.child({ component: "approval-sweep" });
  let running: Promise<void> | undefined;

  const tick = async (): Promise<void> => {
    const slot = Math.floor(options.clock.now() / everyMs);
    try {
      const leader = await options.store.setIfAbsent(`${SWEEP_LOCK_KEY}:${slot}`, me, { ttlMs: everyMs * 2 });
      if (!leader) return;
      const handed = await options.sweep(graceMs);
      if (handed > 0) log.warn("finished approved calls that had no outcome", { handed });
    } catch (error) {
      // A Redis outage: the next tick tries again.
      log.warn("approval sweep failed", { error: toDaybookError(error) });
    }
  };

  const timer = setInterval(() => {
    if (running) return;
    running = tick().finally(() => {
      running = undefined;
    });
  }, everyMs);
  timer.unref();

  return {
    tick,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
