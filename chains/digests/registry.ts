import { withCharts } from "./charts.ts";
import { createChurnDigest } from "./churn.ts";
import { createCloseDigest } from "./close.ts";
import { createQbrDigest } from "./qbr.ts";
import { createRenewalsDigest } from "./renewals.ts";
import { createCheckinDigest, createKickoffDigest, createRetroDigest } from "./rhythm.ts";
import { createSalesDigest } from "./sales.ts";
import { createStandupDigest } from "./standup.ts";
import type { Digest, DigestDeps, DigestName } from "./types.ts";
import { createWeeklyDigest } from "./weekly.ts";

export type { Digest, DigestDeps, DigestName, DigestRunOptions, NarrativeRequest, Narrator } from "./types.ts";

/**
 * A digest is read by a whole channel, people in many zones: its days (yesterday, this week,
 * the month closed) are the organisation's, and the card says which zone that is.
 */
function withZone<T extends Record<DigestName, Digest>>(digests: T, timeZone: string): T {
  for (const digest of Object.values(digests)) {
    const run = digest.run.bind(digest);
    digest.run = async (options) => {
      const card = await run(options);
      return {
        ...card,
        blocks: [...card.blocks, { type: "context", text: `Dates in ${timeZone} (the organisation's zone).` }],
      };
    };
  }
  return digests;
}

/** Every digest by name; src/scheduler and `npm run digest` receive this object from main.ts. */
export function createDigests(deps: DigestDeps): Record<DigestName, Digest> {
  return withZone(
    withCharts(
      {
        standup: createStandupDigest(deps),
        sales: createSalesDigest(deps),
        churn: createChurnDigest(deps),
        close: createCloseDigest(deps),
        weekly: createWeeklyDigest(deps),
        renewals: createRenewalsDigest(deps),
        retro: createRetroDigest(deps),
        kickoff: createKickoffDigest(deps),
        checkin: createCheckinDigest(deps),
        qbr: createQbrDigest(deps),
      },
      deps,
    ),
    deps.timeZone ?? "UTC",
  );
}
