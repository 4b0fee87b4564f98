import { z } from "zod";
import { DaybookError } from "../core/errors.ts";

const guid = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

const trimmed = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

// Teams refuses http links in a manifest's developer block
// (https://learn.microsoft.com/microsoftteams/platform/resources/schema/manifest-schema#developer).
const httpsUrl = z.url({ protocol: /^https$/, message: "must be an absolute https URL" });

/**
 * What `npm run package:teams` reads (manifest/teams/package.ts). DAYBOOK_PUBLIC_URL is the
 * same address Slack and Teams reach the server at; the manifest's developer links, its
 * validDomains and its webApplicationInfo resource are built from it.
 */
export const teamsPackageEnvSchema = z.object({
  MICROSOFT_APP_ID: trimmed.pipe(
    z
      .string({ message: "is required" })
      .regex(guid, { message: "must be the Azure Bot's app id, a GUID like 12345678-aaaa-bbbb-cccc-1234567890ab" }),
  ),
  DAYBOOK_PUBLIC_URL: trimmed.pipe(
    z
      .string({ message: "is required" })
      .pipe(httpsUrl)
      .refine((v) => !/[?#]/.test(v), { message: "must be a plain address with no query or fragment" }),
  ),
  /** Default: DAYBOOK_PUBLIC_URL/privacy. */
  TEAMS_PRIVACY_URL: trimmed.pipe(httpsUrl.optional()),
  /** Default: DAYBOOK_PUBLIC_URL/terms. */
  TEAMS_TERMS_URL: trimmed.pipe(httpsUrl.optional()),
  /** Teams needs a higher version to update an uploaded app. */
  TEAMS_APP_VERSION: trimmed.pipe(
    z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { message: "must be a version like 1.2.3" })
      .optional(),
  ),
});

const hints: Record<keyof z.infer<typeof teamsPackageEnvSchema>, string> = {
  MICROSOFT_APP_ID: "copy the Microsoft App ID from the Azure Bot's Configuration page",
  DAYBOOK_PUBLIC_URL:
    "set DAYBOOK_PUBLIC_URL to the https address Teams reaches daybook at, e.g. https://daybook.yourcompany.com",
  TEAMS_PRIVACY_URL: "point TEAMS_PRIVACY_URL at your privacy statement (https), or unset it",
  TEAMS_TERMS_URL: "point TEAMS_TERMS_URL at your terms of use (https), or unset it",
  TEAMS_APP_VERSION: "set TEAMS_APP_VERSION higher than the version last uploaded, e.g. 0.1.1",
};

export interface TeamsPackageConfig {
  appId: string;
  /** DAYBOOK_PUBLIC_URL without a trailing slash. */
  publicUrl: string;
  /** Host (and port, if any) of publicUrl: validDomains and the webApplicationInfo resource. */
  domain: string;
  websiteUrl: string;
  privacyUrl: string;
  termsOfUseUrl: string;
  version: string | undefined;
}

/** Validates the package's variables; throws a DaybookError("config_invalid") naming each and its fix. */
export function loadTeamsPackageConfig(source: Record<string, string | undefined>): TeamsPackageConfig {
  const parsed = teamsPackageEnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "") as keyof typeof hints;
      return `  ${key}: ${issue.message}. Fix: ${hints[key] ?? "see docs/teams.md"}`;
    });
    throw new DaybookError(
      "config_invalid",
      [
        `Invalid configuration for the Teams app package (${lines.length === 1 ? "1 problem" : `${lines.length} problems`}):`,
        ...lines,
      ].join("\n"),
    );
  }
  const env = parsed.data;
  const publicUrl = env.DAYBOOK_PUBLIC_URL.replace(/\/+$/, "");
  return {
    appId: env.MICROSOFT_APP_ID,
    publicUrl,
    domain: new URL(publicUrl).host,
    websiteUrl: publicUrl,
    privacyUrl: env.TEAMS_PRIVACY_URL ?? `${publicUrl}/privacy`,
    termsOfUseUrl: env.TEAMS_TERMS_URL ?? `${publicUrl}/terms`,
    version: env.TEAMS_APP_VERSION,
  };
}
