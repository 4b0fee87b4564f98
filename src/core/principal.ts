import type { ChatUser } from "./chat.ts";

/** A tool domain; roles grant access by domain (least privilege for the agent). */
export type ToolDomain = "jira" | "crm" | "accounting";

/** A configured person, resolved from a platform identity. */
export interface Principal {
  /** Config id, e.g. "alex". Unknown platform users get "<platform>:<id>". */
  id: string;
  name: string;
  roles: string[];
  /** Tool domains the roles grant. */
  domains: ToolDomain[];
  /** Account executive id in the CRM, for "my deals". */
  crmOwnerId?: string;
  /** IANA timezone the person's times are read in ("Thursday 2pm"): theirs, else the organisation's. */
  timeZone?: string;
  chatUser: ChatUser;
}

export interface PrincipalResolver {
  resolve(user: ChatUser): Principal;
}
