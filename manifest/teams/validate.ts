import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ManifestUtil } from "@microsoft/app-manifest";
import { pngSize } from "./png.ts";

/** The bot id placeholder in manifest.json, replaced with MICROSOFT_APP_ID when packaging. */
export const botIdPlaceholder = "00000000-0000-0000-0000-000000000000";

export const iconSizes = { color: 192, outline: 32 } as const;

const require = createRequire(import.meta.url);

/**
 * The schema bundled in @microsoft/app-manifest for the manifest's version, read from disk:
 * validation never fetches the schema URL.
 */
export function bundledSchema(manifestVersion: string): Record<string, unknown> {
  const path = require.resolve(
    `@microsoft/app-manifest/build/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`,
  );
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

/** Schema errors plus icon problems; empty when the package is valid. */
export async function validateTeamsApp(
  manifest: Record<string, unknown>,
  icons: { color: Uint8Array; outline: Uint8Array },
): Promise<string[]> {
  const schema = bundledSchema(String(manifest.manifestVersion));
  // The library's own types are per-version unions; the schema file is the contract here.
  const errors = await ManifestUtil.validateManifestAgainstSchema(manifest as never, schema as never);
  for (const [name, expected] of Object.entries(iconSizes)) {
    const { width, height } = pngSize(icons[name as keyof typeof iconSizes]);
    if (width !== expected || height !== expected) {
      errors.push(`${name} icon is ${width}x${height}, Teams needs ${expected}x${expected}`);
    }
  }
  return errors;
}
