import { type AudiencePolicy, beyond, describeDomains } from "../bot/audience.ts";
import { type DigestName, digestDomains, type OrgConfig } from "../config/org.ts";
import type { ChatAdapter } from "../core/chat.ts";
import type { Logger } from "../core/logger.ts";
import type { Platform } from "../core/thread.ts";
import type { DeliveryTarget } from "./targets.ts";
import type { DeliveryRecord } from "./types.ts";

export interface DigestAdmissionOptions {
  org: OrgConfig;
  adapters: Partial<Record<Platform, ChatAdapter>>;
  audience: AudiencePolicy;
  logger: Logger;
}

/**
 * Digests post only where every reader may see their domains (ARCHITECTURE.md, decision 8).
 * A declared `channels.<name>.audience` that leaves a digest's domain out is refused when the
 * config loads (src/config/org-checks.ts); a channel without one is checked here, against its
 * members, at every firing (and by `Scheduler.checkAudiences` at start-up).
 */
export function createDigestAdmission(options: DigestAdmissionOptions) {
  const { org, adapters, audience, logger } = options;

  /**
   * Why `target` may not show the digest, or undefined when it may. The console is the
   * terminal of whoever runs daybook, who holds every system's credentials anyway; elsewhere a
   * channel without a declared audience needs members who may all see the digest's domains.
   */
  async function refusal(name: DigestName, target: DeliveryTarget): Promise<string | undefined> {
    const declared = org.channels[target.channel]?.audience;
    if (target.platform === "console" && !declared) return undefined;
    const adapter = adapters[target.platform];
    const lookup = adapter?.audience ? () => adapter.audience!(target.thread) : undefined;
    const allowed = await audience.allowedIn(target.thread, lookup);
    const missing = beyond(digestDomains[name], allowed);
    if (missing.length === 0) return undefined;
    const why =
      allowed.basis === "declared"
        ? `channels.${target.channel}.audience leaves out ${missing.join(", ")}`
        : allowed.basis === "members"
          ? `not every member of the channel may see ${missing.join(", ")}`
          : "daybook could not list who reads the channel";
    return `the ${name} digest shows ${describeDomains(digestDomains[name])} and ${why}; set channels.${target.channel}.audience to the domains everyone there may see, or post the digest elsewhere`;
  }

  /** The targets the digest may be posted to, and a record for each refused one (never posted). */
  async function admit(
    name: DigestName,
    targets: DeliveryTarget[],
  ): Promise<{ admitted: DeliveryTarget[]; refused: DeliveryRecord[] }> {
    const admitted: DeliveryTarget[] = [];
    const refused: DeliveryRecord[] = [];
    for (const target of targets) {
      const reason = await refusal(name, target);
      if (!reason) {
        admitted.push(target);
        continue;
      }
      logger.error("digest not posted: the channel may not see it", {
        digest: name,
        channel: target.channel,
        platform: target.platform,
        reason,
      });
      refused.push({
        channel: target.channel,
        platform: target.platform,
        target: target.thread.channel,
        attempts: 0,
        error: { code: "forbidden", message: reason },
      });
    }
    return { admitted, refused };
  }

  return { admit };
}
