import type { OrgConfig } from "../config/org.ts";
import type { ChatUser } from "../core/chat.ts";
import type { Principal, PrincipalResolver, ToolDomain } from "../core/principal.ts";
import { readerOf } from "../core/reader-time.ts";

/**
 * Maps a platform identity to a configured person. Unknown people get no roles, so the
 * agent offers them no tools (least privilege by default).
 */
export function createPrincipalResolver(org: OrgConfig): PrincipalResolver {
  const byPlatformId = new Map<string, OrgConfig["users"][number]>();
  for (const user of org.users) {
    byPlatformId.set(`console:${user.id}`, user);
    if (user.slack) byPlatformId.set(`slack:${user.slack}`, user);
    if (user.teams) byPlatformId.set(`teams:${user.teams}`, user);
  }
  return {
    resolve(chatUser: ChatUser): Principal {
      const user = [chatUser.id, ...(chatUser.aliases ?? [])]
        .map((id) => byPlatformId.get(`${chatUser.platform}:${id}`))
        .find((found) => found !== undefined);
      if (!user) {
        return {
          id: `${chatUser.platform}:${chatUser.id}`,
          name: chatUser.name ?? chatUser.id,
          roles: [],
          domains: [],
          timeZone: readerOf(chatUser, undefined, org.timezone).timeZone,
          chatUser,
        };
      }
      const domains = new Set<ToolDomain>();
      for (const role of user.roles) for (const d of org.roles[role] ?? []) domains.add(d);
      return {
        id: user.id,
        name: user.name,
        roles: user.roles,
        domains: [...domains],
        ...(user.crmOwnerId ? { crmOwnerId: user.crmOwnerId } : {}),
        // The zone their Slack or Teams client reports, else the configured one, else the org's.
        timeZone: readerOf(chatUser, user.timezone, org.timezone).timeZone,
        chatUser,
      };
    },
  };
}
