import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { DaybookError } from "../core/errors.ts";
import { demoOrg, standardRoles } from "./demo-org.ts";
import { type Env, envHints, envSchema } from "./env.ts";
import { type OrgConfig, orgSchema } from "./org.ts";

export interface Config {
  env: Env;
  org: OrgConfig;
  /** Where the org config came from: a file path or "embedded demo". */
  orgSource: string;
}

export interface LoadOptions {
  readFile?: (path: string) => string;
}

/** Validates environment and org config once at start-up; throws a DaybookError("config_invalid"). */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  options: LoadOptions = {},
): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw configError("environment", parsed.error, (key) => envHints[key as keyof Env]);
  const env = parsed.data;

  if (!env.DAYBOOK_CONFIG) return { env, org: demoOrg, orgSource: "embedded demo" };

  const path = env.DAYBOOK_CONFIG;
  let raw: unknown;
  try {
    const text = (options.readFile ?? ((p) => readFileSync(p, "utf8")))(path);
    raw = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new DaybookError(
      "config_invalid",
      `DAYBOOK_CONFIG: cannot read "${path}" (${(error as Error).message}). Fix: point DAYBOOK_CONFIG at a readable YAML or JSON file, or unset it to use the demo organisation.`,
      { cause: error },
    );
  }
  const org = orgSchema.safeParse(raw ?? {});
  if (!org.success) throw configError(`DAYBOOK_CONFIG (${path})`, org.error, () => "see docs/configuration.md");
  const value = org.data;
  if (Object.keys(value.roles).length === 0) value.roles = standardRoles;
  return { env, org: value, orgSource: path };
}

function configError(where: string, error: z.ZodError, hint: (key: string) => string | undefined): DaybookError {
  const lines = error.issues.map((issue) => {
    const key = issue.path.join(".") || "(root)";
    const fix = hint(String(issue.path[0] ?? ""));
    return `  ${key}: ${issue.message}${fix ? `. Fix: ${fix}` : ""}`;
  });
  return new DaybookError("config_invalid", `Invalid configuration in ${where}:\n${lines.join("\n")}`);
}
