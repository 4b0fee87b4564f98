/**
 * Builds the Teams app package: `npm run package:teams` (MICROSOFT_APP_ID must be set).
 * Writes manifest/teams/daybook-teams.zip with manifest.json (bot id filled in) and the icons,
 * after validating against the schema bundled in @microsoft/app-manifest (no network).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { zipSync } from "fflate";
import { botIdPlaceholder, validateTeamsApp } from "./validate.ts";

const guid = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

export interface PackageOptions {
  /** The Azure Bot's Microsoft App ID (MICROSOFT_APP_ID). */
  appId: string;
  outFile?: string;
  /** Overrides manifest.json "version" (Teams needs a higher version to update an upload). */
  version?: string;
}

export async function buildTeamsPackage(options: PackageOptions): Promise<{ outFile: string; bytes: number }> {
  if (!guid.test(options.appId)) {
    throw new Error(
      "MICROSOFT_APP_ID must be the Azure Bot's app id, a GUID like 12345678-aaaa-bbbb-cccc-1234567890ab",
    );
  }
  const dir = new URL("./", import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as Record<string, unknown>;
  const bots = manifest.bots as { botId: string }[];
  for (const bot of bots) if (bot.botId === botIdPlaceholder) bot.botId = options.appId;
  if (options.version) manifest.version = options.version;

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
  return { outFile, bytes: zip.length };
}

if (import.meta.main) {
  const appId = process.env.MICROSOFT_APP_ID?.trim() ?? "";
  buildTeamsPackage({ appId, ...(process.env.TEAMS_APP_VERSION ? { version: process.env.TEAMS_APP_VERSION } : {}) })
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
