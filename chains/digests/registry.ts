import { withCharts } from "./charts.ts";
import { createChurnDigest } from "./churn.ts";
import { createCloseDigest } from "./close.ts";
import { createRenewalsDigest } from "./renewals.ts";
import { createCheckinDigest, createKickoffDigest, createRetroDigest } from "./rhythm.ts";
import { createSalesDigest } from "./sales.ts";
import { createStandupDigest } from "./standup.ts";
import type { Digest, DigestDeps, DigestName } from "./types.ts";
import { createWeeklyDigest } from "./weekly.ts";

export type { Digest, DigestDeps, DigestName, DigestRunOptions, NarrativeRequest, Narrator } from "./types.ts";

/** Every digest by name; src/scheduler and `npm run digest` receive this object from main.ts. */
export function createDigests(deps: DigestDeps): Record<DigestName, Digest> {
  return withCharts(
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
    },
    deps,
  );
}
