import type { Card } from "../../src/core/card.ts";
import type { Clock } from "../../src/core/clock.ts";
import type { Ports } from "../../src/core/domain/ports.ts";
import type { ChatFile } from "../../src/core/files.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { Store } from "../../src/core/store.ts";

/**
 * Same literal union as DigestName in src/config/org.ts; chains/ may not import src/config
 * (layer rule), and the two are checked against each other structurally where main.ts wires them.
 */
export type DigestName =
  | "standup"
  | "sales"
  | "churn"
  | "close"
  | "weekly"
  | "renewals"
  | "retro"
  | "kickoff"
  | "checkin"
  | "qbr";

export interface DigestRunOptions {
  /** Sales: one account executive's deals (CRM owner id). */
  ownerId?: string;
  /** Close: the month to check (YYYY-MM); default by date, see close.ts. */
  month?: string;
  /**
   * A preview (printed, not posted) leaves the stored snapshots alone, so the next posted
   * standup still reports movement since the last posted one.
   */
  preview?: boolean;
}

export interface Digest {
  name: DigestName;
  title: string;
  run(options?: DigestRunOptions): Promise<Card>;
  /** Charts posted in the card's thread (PNG files, chains/digests/charts.ts); absent: none. */
  charts?(options?: DigestRunOptions): Promise<ChatFile[]>;
}

export interface NarrativeRequest {
  digest: DigestName;
  /** Every figure the digest computed, already formatted. */
  facts: Record<string, string | number>;
  /** The template sentence filled with those facts: what is used when there is no model. */
  draft: string;
}

/** Optional model hook: returns a rephrased opening, or undefined to keep the draft. */
export type Narrator = (request: NarrativeRequest) => Promise<string | undefined>;

export interface DigestDeps {
  ports: Ports;
  clock: Clock;
  /** IANA timezone of the organisation: which month is being closed, which week "this week" is. Default UTC. */
  timeZone?: string;
  store: Store;
  narrate?: Narrator;
  logger?: Logger;
  /** Standup: in progress longer than this many days without change counts as stale. Default 3. */
  staleDays?: number;
  /** Close: variance threshold in percent. Default 15. */
  varianceThresholdPct?: number;
}
