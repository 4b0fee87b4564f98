import type { DigestName } from "../config/org.ts";
import type { Card } from "../core/card.ts";
import type { DeliveryReceipt } from "../core/chat.ts";
import type { ChatFile } from "../core/files.ts";
import type { Platform } from "../core/thread.ts";

export interface DigestOptions {
  ownerId?: string;
  month?: string;
  preview?: boolean;
}

/** One reader of a per-person digest (chains/digests/sales.ts: one account executive). */
export interface Audience {
  /** Stable id (a CRM owner id): what each post is recorded under in the run log. */
  key: string;
  /** Display name: the CRM owner's name as the org config or the CRM gives it. */
  label: string;
  options: DigestOptions;
}

/**
 * What the scheduler needs from a digest. chains/digests implements it; src/ may not import
 * chains/ (layer rule), so main.ts hands the digests in and TypeScript checks the shapes match.
 */
export interface SchedulableDigest {
  name: DigestName;
  title: string;
  /** `preview`: printed rather than posted; the digest must not advance its stored snapshots. */
  run(options?: DigestOptions): Promise<Card>;
  /**
   * Present on digests posted per person (sales: per account executive). A firing builds and
   * posts one card per audience, in order, each post retried and receipted on its own, all
   * under the one slot lock of the firing. Options that already select one audience narrow the
   * list to it; an empty list falls back to one ordinary run (the digest's "nothing to do" card).
   */
  audiences?(options?: DigestOptions): Promise<Audience[]>;
  /** Charts posted in the thread of each delivered card (PNG files); absent: none. */
  charts?(options?: DigestOptions): Promise<ChatFile[]>;
}

export type DigestSet = Partial<Record<DigestName, SchedulableDigest>>;

export interface DeliveryRecord {
  /** Per-person digests: whose card this post carried (Audience.key / label). */
  audience?: string;
  audienceLabel?: string;
  /** Channel name from org.channels. */
  channel: string;
  platform: Platform;
  /** Platform channel id / conversation id / console channel. */
  target: string;
  attempts: number;
  /** Present only when the platform confirmed the post: the only proof of delivery. */
  receipt?: DeliveryReceipt;
  /** Charts posted in the card's thread (Digest.charts). */
  charts?: number;
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
  /** Set when building the digest itself failed (per-person digests: listing the audiences, or every card). */
  error?: { code: string; message: string };
  /** Per-person digests: audiences whose card could not be built (nothing was posted for them). */
  audienceErrors?: { audience: string; label: string; code: string; message: string }[];
}
