import type { DigestName } from "../config/org.ts";
import type { Card } from "../core/card.ts";
import type { DeliveryReceipt } from "../core/chat.ts";
import type { Platform } from "../core/thread.ts";

/**
 * What the scheduler needs from a digest. chains/digests implements it; src/ may not import
 * chains/ (layer rule), so main.ts hands the digests in and TypeScript checks the shapes match.
 */
export interface SchedulableDigest {
  name: DigestName;
  title: string;
  /** `preview`: printed rather than posted; the digest must not advance its stored snapshots. */
  run(options?: { ownerId?: string; month?: string; preview?: boolean }): Promise<Card>;
}

export type DigestSet = Partial<Record<DigestName, SchedulableDigest>>;

export interface DeliveryRecord {
  /** Channel name from org.channels. */
  channel: string;
  platform: Platform;
  /** Platform channel id / conversation id / console channel. */
  target: string;
  attempts: number;
  /** Present only when the platform confirmed the post: the only proof of delivery. */
  receipt?: DeliveryReceipt;
  /** Error code and log-safe message of the last failed attempt; never posted anywhere. */
  error?: { code: string; message: string };
}

export type RunStatus = "delivered" | "partial" | "failed" | "skipped" | "printed";

export interface RunRecord {
  id: string;
  digest: DigestName;
  trigger: "schedule" | "manual";
  /** The scheduled time slot (ISO) for scheduled runs. */
  slot?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: RunStatus;
  /** Why a firing was skipped: another replica took the slot, or the previous run is still going. */
  skipped?: "slot_taken" | "overlap" | "disabled";
  deliveries: DeliveryRecord[];
  /** Set when building the digest itself failed. */
  error?: { code: string; message: string };
}
