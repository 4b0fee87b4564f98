/**
 * Jira Cloud settings from the environment, apart from the connector so that composition can
 * decide whether Jira is configured without loading jira.js (issue 15: SDKs load only when
 * their integration is configured).
 */
import { DaybookError } from "../../src/core/errors.ts";

export const projectKeyPattern = /^[A-Z][A-Z0-9_]{0,254}$/;
export const customFieldPattern = /^customfield_\d+$/;

export interface JiraCloudSettings {
  /** Site URL, e.g. https://acme.atlassian.net (no /rest path). */
  baseUrl: string;
  email: string;
  apiToken: string;
  projectKey: string;
  /** Scrum board whose active sprint daybook reports on; looked up from the project when absent. */
  boardId?: number;
  /** Story points custom field id; differs per site ("customfield_10016" on most new sites). */
  storyPointsField: string;
  /** "Flagged" custom field id; "customfield_10021" on most sites. */
  flaggedField?: string;
  /**
   * Issue type name of sub-tasks: "Subtask" on sites created since Atlassian renamed it in
   * 2023, "Sub-task" on older company-managed projects (Project settings > Issue types).
   */
  subtaskType?: string;
}

export function validateSettings(settings: JiraCloudSettings): void {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(settings.baseUrl);
  } catch {
    problems.push("JIRA_BASE_URL is not a URL");
  }
  if (url && url.protocol !== "https:" && url.protocol !== "http:") problems.push("JIRA_BASE_URL must be http(s)");
  if (!/^[^@\s]+@[^@\s]+$/.test(settings.email)) problems.push("JIRA_EMAIL is not an email address");
  if (settings.apiToken.trim() === "") problems.push("JIRA_API_TOKEN is empty");
  if (!projectKeyPattern.test(settings.projectKey)) problems.push("JIRA_PROJECT_KEY must look like PROJ");
  if (settings.boardId !== undefined && (!Number.isSafeInteger(settings.boardId) || settings.boardId <= 0)) {
    problems.push("JIRA_BOARD_ID must be a positive integer");
  }
  if (!customFieldPattern.test(settings.storyPointsField)) {
    problems.push("JIRA_STORY_POINTS_FIELD must look like customfield_10016");
  }
  if (settings.flaggedField !== undefined && !customFieldPattern.test(settings.flaggedField)) {
    problems.push("JIRA_FLAGGED_FIELD must look like customfield_10021");
  }
  if (problems.length > 0) {
    throw new DaybookError("config_invalid", `Jira settings invalid: ${problems.join("; ")}`);
  }
}

/** The environment variables the real connector reads (a structural subset of src/config's Env). */
export interface JiraEnv {
  JIRA_BASE_URL?: string | undefined;
  JIRA_EMAIL?: string | undefined;
  JIRA_API_TOKEN?: string | undefined;
  JIRA_PROJECT_KEY?: string | undefined;
  JIRA_BOARD_ID?: number | undefined;
  JIRA_STORY_POINTS_FIELD?: string | undefined;
  JIRA_FLAGGED_FIELD?: string | undefined;
}

/**
 * Settings for the real connector, or undefined when the three credentials are not all set
 * (daybook then uses the demo organisation). A half-configured Jira is a config error, not a
 * silent fall-back to demo data.
 */
export function jiraSettingsFromEnv(env: JiraEnv): JiraCloudSettings | undefined {
  const set = (v: string | undefined) => v !== undefined && v.trim() !== "";
  const present = [env.JIRA_BASE_URL, env.JIRA_EMAIL, env.JIRA_API_TOKEN].filter(set).length;
  if (present === 0) return undefined;
  const missing = (["JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PROJECT_KEY"] as const).filter(
    (k) => !set(env[k]),
  );
  if (missing.length > 0) {
    throw new DaybookError(
      "config_invalid",
      `Jira is partly configured: set ${missing.join(", ")} (or unset all JIRA_* to use the demo)`,
    );
  }
  const settings: JiraCloudSettings = {
    baseUrl: String(env.JIRA_BASE_URL).trim(),
    email: String(env.JIRA_EMAIL).trim(),
    apiToken: String(env.JIRA_API_TOKEN).trim(),
    projectKey: String(env.JIRA_PROJECT_KEY).trim().toUpperCase(),
    storyPointsField: env.JIRA_STORY_POINTS_FIELD?.trim() || "customfield_10016",
  };
  if (env.JIRA_BOARD_ID !== undefined) settings.boardId = env.JIRA_BOARD_ID;
  if (set(env.JIRA_FLAGGED_FIELD)) settings.flaggedField = String(env.JIRA_FLAGGED_FIELD).trim();
  validateSettings(settings);
  return settings;
}
