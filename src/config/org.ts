import { z } from "zod";
import { checkReferences, cronMessage, isCron, isTimeZone, timeZoneMessage, unknownKeysMessage } from "./org-checks.ts";

const toolDomain = z.enum(["jira", "crm", "accounting"]);

/** A strict object whose unknown-key message lists the allowed keys and the nearest one to a typo. */
function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? unknownKeysMessage(issue.keys, allowed) : undefined),
  });
}

const timeZone = z.string().refine(isTimeZone, { error: (issue) => timeZoneMessage(issue.input) });

/** Used when a config file has no `roles` section (or an empty one). */
export const standardRoles: Record<string, z.infer<typeof toolDomain>[]> = {
  admin: ["jira", "crm", "accounting"],
  engineering: ["jira"],
  sales: ["crm"],
  success: ["crm"],
  finance: ["accounting"],
};

const userSchema = strictObject({
  // Unconfigured people get ids like "slack:U123"; a ":" here could impersonate one of them.
  id: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9._-]+$/, { message: "use letters, digits, '.', '_' or '-' only (no ':')" }),
  name: z.string().min(1),
  roles: z.array(z.string()).default([]),
  /** Slack user id (U...). */
  slack: z.string().optional(),
  /** Teams user AAD object id or 29:... id. */
  teams: z.string().optional(),
  email: z.string().optional(),
  /** This person's owner id in the CRM ("my deals"). */
  crmOwnerId: z.string().optional(),
  /** IANA timezone their reminders are read in ("tomorrow at 9"); default: the organisation's. */
  timezone: timeZone.optional(),
});

const policySchema = strictObject({
  users: z.array(z.string()).default([]),
  roles: z.array(z.string()).default([]),
  // Fail closed: a requester approves their own write only where the policy says so.
  allowSelfApproval: z.boolean().default(false),
  ttlHours: z.number().positive().default(72),
});

const channelSchema = strictObject({
  slack: z.string().optional(),
  /**
   * Many Slack workspaces (docs/slack-install.md): the team id (T…) of the workspace the `slack`
   * channel is in, or the enterprise id (E…) of an org-wide install; digests post with its token.
   */
  slackTeam: z
    .string()
    .regex(/^[TE][A-Z0-9]{2,}$/, { message: "must be a Slack team id (T…) or enterprise id (E…)" })
    .optional(),
  /** A stored Teams conversation id (the bot must have been added there). */
  teams: z.string().optional(),
  console: z.string().optional(),
  /**
   * The tool domains an answer or digest posted here may show (ARCHITECTURE.md, decision 8).
   * Left out: only the domains every member of the channel may see, asked of the platform.
   */
  audience: z.array(toolDomain).optional(),
});

const digestSchema = strictObject({
  enabled: z.boolean().default(true),
  /** node-cron expression (5 or 6 fields). */
  cron: z.string().refine(isCron, { error: (issue) => cronMessage(issue.input) }),
  timezone: timeZone.optional(),
  /** Names from `channels`. */
  channels: z.array(z.string()).default([]),
});

/**
 * What a proposal is priced from (issue 16, item 4): one product's list price per user per month
 * and the discount an annual (prepaid) contract gets. The figures are computed in code
 * (tools/crm/proposal.ts); a model only phrases around them.
 */
const priceListSchema = strictObject({
  product: z.string().min(1),
  /** ISO 4217 code the prices are in. */
  currency: z.string().regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 code such as USD or EUR" }),
  /** List price per user per month, in `currency`. */
  unitPrice: z.number().positive(),
  /** Fraction off the list price for an annual contract: 0.2 is 20 %. */
  annualDiscount: z.number().min(0).max(0.9).default(0),
  /** Fewest users a proposal is made for. */
  minUsers: z.number().int().positive().default(1),
  /** How many days a proposal's prices hold. */
  validDays: z.number().int().positive().default(30),
});

/** Sales settings: the price list proposals use, and the competitors meeting prep looks for in a deal's notes. */
const salesSchema = strictObject({
  priceList: priceListSchema.optional(),
  /** Competitor names as people write them ("Okta", "Microsoft Entra"). */
  competitors: z.array(z.string().min(1)).default([]),
});

export const digestNames = [
  "standup",
  "sales",
  "churn",
  "close",
  "weekly",
  "renewals",
  "retro",
  "kickoff",
  "checkin",
  "qbr",
] as const;
export type DigestName = (typeof digestNames)[number];
export { digestDomains } from "./digest-domains.ts";

/**
 * The org config file (DAYBOOK_CONFIG, YAML or JSON). Unknown keys, names that refer to nothing
 * (roles, users, channels), bad time zones and cron expressions are all errors, reported
 * together with their field paths, because each would otherwise fail silently or only when a
 * digest fires.
 */
export const orgSchema = strictObject({
  // A file that names no organisation must not borrow the embedded demo's name (src/config/demo-org.ts).
  organisation: z.string().min(1).default("Unnamed organisation"),
  timezone: timeZone.default("UTC"),
  users: z.array(userSchema).default([]),
  /** Role name -> tool domains it may use; none (or empty) means the standard roles. */
  roles: z
    .record(z.string(), z.array(toolDomain))
    .transform((roles) => (Object.keys(roles).length > 0 ? roles : standardRoles))
    .default(standardRoles),
  /** Write action name (or "default") -> who may approve it. */
  approvals: z.record(z.string(), policySchema).default({}),
  channels: z.record(z.string(), channelSchema).default({}),
  digests: z
    .partialRecord(z.enum(digestNames), digestSchema, {
      // zod reports a partial record's keys outside the enum as unrecognized_keys, which the
      // record's issue type does not list.
      error: (issue) => {
        const raw: { code?: string; keys?: string[] } = issue;
        return raw.code === "unrecognized_keys" ? unknownKeysMessage(raw.keys ?? [], digestNames) : undefined;
      },
    })
    .default({}),
  sales: salesSchema.optional(),
  /** The console's identity when `--as` is not given; defaults to the first admin (see defaultConsoleUser). */
  consoleUser: z.string().optional(),
  agent: strictObject({
    maxToolCalls: z.number().int().positive().default(6),
    maxTurnMs: z.number().int().positive().default(60_000),
    historyTurns: z.number().int().positive().default(20),
  }).default({ maxToolCalls: 6, maxTurnMs: 60_000, historyTurns: 20 }),
})
  // `when` makes the cross-references run even after a field failed, so one start-up lists all problems.
  .superRefine(checkReferences, { when: () => true })
  .transform((org) => ({ ...org, consoleUser: org.consoleUser ?? defaultConsoleUser(org.users) }));

/**
 * The console speaks as the first admin, else the first person holding the most roles, so a
 * fresh config can try everything it allows; undefined only when no users are configured.
 */
export function defaultConsoleUser(users: readonly OrgUser[]): string | undefined {
  const admin = users.find((user) => user.roles.includes("admin"));
  if (admin) return admin.id;
  let best: OrgUser | undefined;
  for (const user of users) if (!best || user.roles.length > best.roles.length) best = user;
  return best?.id;
}

export type OrgConfig = z.infer<typeof orgSchema>;
export type OrgUser = z.infer<typeof userSchema>;
export type PolicyConfig = z.infer<typeof policySchema>;
export type DigestConfig = z.infer<typeof digestSchema>;
export type ChannelConfig = z.infer<typeof channelSchema>;
export type SalesConfig = z.infer<typeof salesSchema>;
