import { DaybookError } from "../core/errors.ts";
import type { Env } from "./env.ts";

const oauthVariables = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const;

/** True when the Slack app is installed per workspace through OAuth (GET /slack/install). */
export function slackMultiWorkspace(env: Env): boolean {
  return oauthVariables.every((name) => env[name] !== undefined);
}

/**
 * Combinations each variable is valid in on its own but not together: one Slack mode (a fixed
 * bot token for one workspace, or OAuth installs for many), and a tenant allow-list only for a
 * bot that can hear from more than its own tenant. Each message names the variables and the fix.
 */
export function checkPlatformModes(env: Env): void {
  const problems: string[] = [];
  const oauthSet = oauthVariables.filter((name) => env[name] !== undefined);
  if (oauthSet.length > 0 && oauthSet.length < oauthVariables.length) {
    const missing = oauthVariables.filter((name) => env[name] === undefined);
    problems.push(
      `  ${oauthSet.join(", ")}: set without ${missing.join(" and ")}. Fix: set all of ${oauthVariables.join(", ")} to install daybook in many workspaces, or unset ${oauthSet.join(" and ")} to use SLACK_BOT_TOKEN for one workspace`,
    );
  }
  if (oauthSet.length === oauthVariables.length && env.SLACK_BOT_TOKEN !== undefined) {
    problems.push(
      "  SLACK_BOT_TOKEN: set together with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET. Fix: unset SLACK_BOT_TOKEN to serve every workspace that installs daybook (tokens come from each installation), or unset the three OAuth variables to serve the one workspace of SLACK_BOT_TOKEN",
    );
  }
  if (env.MICROSOFT_ALLOWED_TENANTS && env.MICROSOFT_APP_TYPE !== "MultiTenant") {
    problems.push(
      `  MICROSOFT_ALLOWED_TENANTS: only for MICROSOFT_APP_TYPE=MultiTenant; a ${env.MICROSOFT_APP_TYPE} bot serves MICROSOFT_APP_TENANT_ID alone. Fix: unset MICROSOFT_ALLOWED_TENANTS, or make the bot MultiTenant`,
    );
  }
  if (problems.length === 0) return;
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  throw new DaybookError(
    "config_invalid",
    [`Invalid configuration in environment (${count}):`, ...problems].join("\n"),
  );
}
