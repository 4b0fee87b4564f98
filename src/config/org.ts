import { z } from "zod";

const toolDomain = z.enum(["jira", "crm", "accounting"]);

const userSchema = z.object({
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
});

const policySchema = z.object({
  users: z.array(z.string()).default([]),
  roles: z.array(z.string()).default([]),
  // Fail closed: a requester approves their own write only where the policy says so.
  allowSelfApproval: z.boolean().default(false),
  ttlHours: z.number().positive().default(72),
});

const channelSchema = z.object({
  slack: z.string().optional(),
  /** A stored Teams conversation id (the bot must have been added there). */
  teams: z.string().optional(),
  console: z.string().optional(),
});

const digestSchema = z.object({
  enabled: z.boolean().default(true),
  /** node-cron expression (5 or 6 fields). */
  cron: z.string().min(9),
  timezone: z.string().optional(),
  /** Names from `channels`. */
  channels: z.array(z.string()).default([]),
});

export const digestNames = ["standup", "sales", "churn", "close", "weekly"] as const;
export type DigestName = (typeof digestNames)[number];

/** The org config file (DAYBOOK_CONFIG, YAML or JSON); every section has demo defaults. */
export const orgSchema = z.object({
  organisation: z.string().default("Northwind Demo"),
  timezone: z.string().default("UTC"),
  users: z.array(userSchema).default([]),
  /** Role name -> tool domains it may use. */
  roles: z.record(z.string(), z.array(toolDomain)).default({}),
  /** Write action name (or "default") -> who may approve it. */
  approvals: z.record(z.string(), policySchema).default({}),
  channels: z.record(z.string(), channelSchema).default({}),
  digests: z.partialRecord(z.enum(digestNames), digestSchema).default({}),
  /** The console's identity when `--as` is not given. */
  consoleUser: z.string().default("alex"),
  agent: z
    .object({
      maxToolCalls: z.number().int().positive().default(6),
      maxTurnMs: z.number().int().positive().default(60_000),
      historyTurns: z.number().int().positive().default(20),
    })
    .default({ maxToolCalls: 6, maxTurnMs: 60_000, historyTurns: 20 }),
});

export type OrgConfig = z.infer<typeof orgSchema>;
export type OrgUser = z.infer<typeof userSchema>;
export type PolicyConfig = z.infer<typeof policySchema>;
export type DigestConfig = z.infer<typeof digestSchema>;
