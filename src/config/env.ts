import { z } from "zod";
import { telemetryEnvHints, telemetryEnvShape } from "./telemetry.ts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

// http(s) only: z.url() alone reads "localhost:8080" as scheme "localhost:".
const optionalUrl = optionalString.pipe(
  z.url({ protocol: /^https?$/, message: "must be an absolute http(s) URL such as https://example.com" }).optional(),
);

/**
 * Every environment variable daybook reads. README.md and .env.example document each; a bad
 * value fails start-up naming the variable (see load.ts).
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?(\+cluster|\+sentinel)?:\/\//, {
        message:
          "must start with redis:// or rediss:// (one server), redis+cluster:// (Redis Cluster) or redis+sentinel:// (Redis Sentinel)",
      })
      .optional(),
  ),
  DAYBOOK_CONFIG: optionalString,
  /** Largest accepted request body; Slack and Bot Framework payloads stay well under it. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** web: HTTP intake only; worker: runs queued turns, approved calls and digests; all: both (default). */
  DAYBOOK_ROLE: z.enum(["all", "web", "worker"]).default("all"),
  /** Turns (agent runs) one process works on at once; more wait in the queue. */
  TURN_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /** Turns queued or running across all replicas above which new questions get a "busy" notice. */
  QUEUE_MAX_DEPTH: z.coerce.number().int().min(1).default(1_000),
  /** Questions one person may start per minute (a real model costs money per call); 0 = no limit. */
  USER_TURNS_PER_MINUTE: z.coerce.number().int().min(0).default(20),
  /** Questions one channel may start per minute; 0 = no limit. */
  CHANNEL_TURNS_PER_MINUTE: z.coerce.number().int().min(0).default(60),

  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^xoxb-/, { message: "must be a bot token starting with xoxb-" })
      .optional(),
  ),
  SLACK_APP_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^xapp-/, { message: "must be an app-level token starting with xapp-" })
      .optional(),
  ),
  SLACK_SOCKET_MODE: bool,
  SLACK_API_URL: optionalUrl,
  /** Local development only: accept unsigned Slack requests. Refused when NODE_ENV=production. */
  SLACK_DEV_SKIP_VERIFY: bool,
  /**
   * The app's OAuth credentials (Basic Information > App Credentials): all three set = many
   * workspaces, installed through GET /slack/install; each event is answered with its team's token.
   */
  SLACK_CLIENT_ID: optionalString.pipe(
    z
      .string()
      .regex(/^\d+\.\d+$/, { message: "must look like 1234567890.1234567890" })
      .optional(),
  ),
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString.pipe(z.string().min(32, { message: "must be at least 32 characters" }).optional()),

  MICROSOFT_APP_ID: optionalString,
  /** Local development only: serve /api/messages without Bot Framework authentication. Refused when NODE_ENV=production. */
  TEAMS_DEV_SKIP_AUTH: bool,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TYPE: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant"),
  MICROSOFT_APP_TENANT_ID: optionalString,
  /** A MultiTenant bot's allow-list: comma-separated Entra tenant ids; unset = every tenant. */
  MICROSOFT_ALLOWED_TENANTS: optionalString.pipe(
    z
      .string()
      .transform((v) => [...new Set(v.split(",").map((t) => t.trim()))].filter((t) => t !== ""))
      .refine((ids) => ids.length > 0 && ids.every((id) => /^[A-Za-z0-9-]+$/.test(id)), {
        message: "must be tenant ids (letters, digits and dashes) separated by commas",
      })
      .optional(),
  ),

  /**
   * daybook's own public https address (the one Slack and Teams reach): Teams fetches chart
   * images and exports from signed links under it (GET /files/:id). Default http://localhost:PORT.
   */
  DAYBOOK_PUBLIC_URL: optionalUrl,
  /** Signs those links; the same on every replica. Default: derived from MICROSOFT_APP_PASSWORD. */
  FILES_SIGNING_SECRET: optionalString.pipe(
    z.string().min(32, { message: "must be at least 32 characters" }).optional(),
  ),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_MODEL: z.string().default("gpt-4.1-mini"),

  JIRA_BASE_URL: optionalUrl,
  JIRA_EMAIL: optionalString,
  JIRA_API_TOKEN: optionalString,
  JIRA_PROJECT_KEY: optionalString,
  JIRA_BOARD_ID: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().optional()),
  /** Story points live in a custom field whose id differs per site. */
  JIRA_STORY_POINTS_FIELD: z.string().default("customfield_10016"),
  /** Jira's "Flagged" checkbox field (Settings > Issues > Custom fields). */
  JIRA_FLAGGED_FIELD: z.string().default("customfield_10021"),

  HUBSPOT_ACCESS_TOKEN: optionalString,
  HUBSPOT_BASE_URL: optionalUrl,
  /**
   * The portal's currency (ISO 4217): HubSpot companies keep no currency, so ARR is in it, and
   * deals without deal_currency_code are too.
   */
  /** HubSpot's burst limit for private apps: 100 per 10 s (Free/Starter), 190 (Professional/Enterprise). */
  /** A company property holding a 0-100 health score, set by change sets; unset: no health score is written. */
  HUBSPOT_HEALTH_SCORE_PROPERTY: optionalString,
  HUBSPOT_REQUESTS_PER_10S: z.coerce.number().int().min(1).max(1_000).default(100),
  HUBSPOT_CURRENCY: z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? v.trim().toUpperCase() : undefined),
    z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
  ),

  XERO_CLIENT_ID: optionalString,
  XERO_CLIENT_SECRET: optionalString,
  XERO_TENANT_ID: optionalString,
  XERO_BASE_URL: optionalUrl,
  /** A pre-issued access token (tests, or tokens refreshed outside daybook). */
  XERO_ACCESS_TOKEN: optionalString,

  ...telemetryEnvShape,
});

export type Env = z.infer<typeof envSchema>;

/** What each variable is for, used in start-up errors ("how to fix"). */
export const envHints: Partial<Record<keyof Env, string>> = {
  ...telemetryEnvHints,
  NODE_ENV: "use development, production or test",
  PORT: "set PORT to a TCP port number such as 3000",
  DAYBOOK_ROLE: "use all (default), web (HTTP intake only) or worker (queued work only)",
  TURN_CONCURRENCY: "set TURN_CONCURRENCY to a whole number from 1 to 256, or unset it for 4",
  QUEUE_MAX_DEPTH: "set QUEUE_MAX_DEPTH to a whole number of at least 1, or unset it for 1000",
  USER_TURNS_PER_MINUTE: "set USER_TURNS_PER_MINUTE to a whole number (0 = no limit), or unset it for 20",
  CHANNEL_TURNS_PER_MINUTE: "set CHANNEL_TURNS_PER_MINUTE to a whole number (0 = no limit), or unset it for 60",
  BODY_LIMIT_BYTES: "set BODY_LIMIT_BYTES to a number of bytes of at least 1024, or unset it for 1048576 (1 MiB)",
  SLACK_SOCKET_MODE: "use true or false",
  SLACK_DEV_SKIP_VERIFY: "use true or false (and never true in production)",
  TEAMS_DEV_SKIP_AUTH: "use true or false (and never true in production)",
  SLACK_API_URL: "unset SLACK_API_URL to use https://slack.com/api/, or give a full URL",
  JIRA_BASE_URL: "set JIRA_BASE_URL to your site, e.g. https://your-team.atlassian.net",
  HUBSPOT_BASE_URL: "unset HUBSPOT_BASE_URL to use https://api.hubapi.com, or give a full URL",
  HUBSPOT_REQUESTS_PER_10S:
    "set HUBSPOT_REQUESTS_PER_10S to your plan's burst limit (100, or 190 on Professional/Enterprise; https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details)",
  HUBSPOT_CURRENCY: "set HUBSPOT_CURRENCY to your portal's ISO 4217 currency code, e.g. EUR, or unset it for USD",
  XERO_BASE_URL: "unset XERO_BASE_URL to use Xero's API, or give a full URL",
  REDIS_URL:
    "set REDIS_URL like redis://127.0.0.1:6379 (or redis+cluster://10.0.0.1:7001,10.0.0.2:7002 for Redis Cluster, redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster for Redis Sentinel), or unset it to use the in-memory store",
  SLACK_BOT_TOKEN: "copy the Bot User OAuth Token (xoxb-...) from your Slack app's OAuth & Permissions page",
  SLACK_CLIENT_ID: "copy the Client ID from your Slack app's Basic Information > App Credentials",
  SLACK_STATE_SECRET: "set SLACK_STATE_SECRET to a random string, e.g. the output of: openssl rand -hex 32",
  MICROSOFT_ALLOWED_TENANTS:
    "set MICROSOFT_ALLOWED_TENANTS to tenant ids separated by commas (Entra admin center > Overview > Tenant ID), or unset it to serve every tenant",
  SLACK_APP_TOKEN: "create an app-level token with connections:write (xapp-...) under Basic Information",
  JIRA_BOARD_ID: "set JIRA_BOARD_ID to the number in your board URL (.../boards/42)",
  OPENAI_BASE_URL: "set OPENAI_BASE_URL to the server's /v1 URL, e.g. http://localhost:8080/v1",
  DAYBOOK_PUBLIC_URL:
    "set DAYBOOK_PUBLIC_URL to the https address Slack and Teams reach daybook at, e.g. https://daybook.yourcompany.com",
  FILES_SIGNING_SECRET:
    "set FILES_SIGNING_SECRET to a random string of 32 characters or more, the same on every replica (e.g. the output of: openssl rand -hex 32), or unset it",
  LOG_LEVEL: "use one of debug, info, warn, error, silent",
  MICROSOFT_APP_TYPE: "use MultiTenant, SingleTenant or UserAssignedMSI",
};
