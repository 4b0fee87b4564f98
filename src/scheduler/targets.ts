import type { OrgConfig } from "../config/org.ts";
import type { Logger } from "../core/logger.ts";
import type { Platform, ThreadRef } from "../core/thread.ts";

export interface DeliveryTarget {
  channel: string;
  platform: Platform;
  thread: ThreadRef;
}

/**
 * Slack channel ids are unique within the installed workspace and Teams conversation ids are
 * globally unique; the adapters post by channel id, so scheduled posts use a fixed workspace
 * label, except a Slack channel that names its workspace (`slackTeam`, many workspaces installed).
 */
const workspaceFor: Record<Platform, string> = { slack: "default", teams: "default", console: "local" };

/** Channel names -> one top-level thread per configured platform whose adapter exists. */
export function resolveTargets(
  org: OrgConfig,
  channelNames: string[],
  available: ReadonlySet<Platform>,
  logger?: Logger,
): DeliveryTarget[] {
  const out: DeliveryTarget[] = [];
  for (const name of channelNames) {
    const channel = org.channels[name];
    if (!channel) {
      logger?.warn("digest channel is not defined in org.channels", { channel: name });
      continue;
    }
    for (const platform of ["slack", "teams", "console"] as const) {
      const id = channel[platform];
      if (!id) continue;
      if (!available.has(platform)) {
        logger?.debug("no adapter for a configured digest target; skipped", { channel: name, platform });
        continue;
      }
      out.push({
        channel: name,
        platform,
        thread: {
          platform,
          workspace: platform === "slack" && channel.slackTeam ? channel.slackTeam : workspaceFor[platform],
          channel: id,
          thread: "",
        },
      });
    }
  }
  return out;
}
