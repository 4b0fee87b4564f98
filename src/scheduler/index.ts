export { type DigestCommandOptions, isDigestName, runDigestCommand } from "./digest-command.ts";
export {
  createScheduler,
  type RetryPolicy,
  type RunNowOptions,
  type Scheduler,
  type SchedulerOptions,
  slotOf,
} from "./scheduler.ts";
export { type DeliveryTarget, resolveTargets } from "./targets.ts";
export type { DeliveryRecord, DigestSet, RunRecord, RunStatus, SchedulableDigest } from "./types.ts";
