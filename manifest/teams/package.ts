/**
 * Builds the Teams app package: `npm run package:teams` with MICROSOFT_APP_ID and
 * DAYBOOK_PUBLIC_URL set (src/config/teams-package.ts validates them). Writes
 * manifest/teams/daybook-teams.zip with manifest.json (bot id, developer links, validDomains and
 * webApplicationInfo filled in from that configuration) and the icons, after validating against
 * the schema bundled in @microsoft/app-manifest (no network).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { zipSync } from "fflate";
import { loadTeamsPackageConfig, type TeamsPackageConfig } from "../../src/config/teams-package.ts";
import { botIdPlaceholder, validateTeamsApp } from "./validate.ts";

const dir = new URL("./", import.meta.url);

/** manifest.json with this deployment's values in place of the template's placeholders. */
export function configuredManifest(config: TeamsPackageConfig): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as Record<string, unknown>;
  const bots = manifest.bots as { botId: string }[];
  for (const bot of bots) if (bot.botId === botIdPlaceholder) bot.botId = config.appId;
  manifest.developer = {
    ...(manifest.developer as Record<string, unknown>),
    websiteUrl: config.websiteUrl,
    privacyUrl: config.privacyUrl,
    termsOfUseUrl: config.termsOfUseUrl,
  };
  // Domains Teams may open inside the client; daybook's own host serves its links.
  // https://learn.microsoft.com/microsoftteams/platform/resources/schema/manifest-schema#validdomains
  manifest.validDomains = [config.domain];
  // The Entra app behind the bot, for Teams single sign-on: the resource is the app ID URI
  // "api://<fully qualified domain>/<app id>".
  // https://learn.microsoft.com/microsoftteams/platform/resources/schema/manifest-schema#webapplicationinfo
  manifest.webApplicationInfo = { id: config.appId, resource: `api://${config.domain}/${config.appId}` };
  if (config.version) manifest.version = config.version;
  return manifest;
}

export async function buildTeamsPackage(
  config: TeamsPackageConfig,
  options: { outFile?: string } = {},
): Promise<{ outFile: string; bytes: number; manifest: Record<string, unknown> }> {
  const manifest = configuredManifest(config);
  const color = readFileSync(new URL("color.png", dir));
  const outline = readFileSync(new URL("outline.png", dir));
  const errors = await validateTeamsApp(manifest, { color, outline });
  if (errors.length > 0) throw new Error(`manifest/teams/manifest.json is not valid:\n- ${errors.join("\n- ")}`);

  const zip = zipSync({
    "manifest.json": new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
    "color.png": color,
    "outline.png": outline,
  });
  const outFile = options.outFile ?? fileURLToPath(new URL("daybook-teams.zip", dir));
  writeFileSync(outFile, zip);
  return { outFile, bytes: zip.length, manifest };
}

if (import.meta.main) {
  Promise.resolve()
    .then(() => buildTeamsPackage(loadTeamsPackageConfig(process.env)))
    .then(({ outFile, bytes }) => {
      process.stdout.write(
        `wrote ${outFile} (${bytes} bytes); upload it in Teams: Apps > Manage your apps > Upload an app\n`,
      );
    })
    .catch((error: unknown) => {
      process.stderr.write(`package:teams: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
