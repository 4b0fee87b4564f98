import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { DaybookError } from "../core/errors.ts";
import { demoOrg } from "./demo-org.ts";
import { didYouMean } from "./did-you-mean.ts";
import { type Env, envHints, envSchema } from "./env.ts";
import { type OrgConfig, orgSchema } from "./org.ts";
import { checkPlatformModes } from "./platform-modes.ts";

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
  checkDaybookVariables(source);
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw configError("environment", parsed.error, (key) => envHints[key as keyof Env]);
  const env = parsed.data;
  checkPlatformModes(env);

  if (!env.DAYBOOK_CONFIG) return { env, org: demoOrg, orgSource: "embedded demo" };

  const path = env.DAYBOOK_CONFIG;
  let text: string;
  try {
    text = (options.readFile ?? ((p) => readFileSync(p, "utf8")))(path);
  } catch (error) {
    throw new DaybookError(
      "config_invalid",
      `DAYBOOK_CONFIG: cannot read "${path}" (${(error as Error).message}). Fix: point DAYBOOK_CONFIG at a readable YAML or JSON file (daybook.example.yaml is one), or unset it to use the demo organisation.`,
      { cause: error },
    );
  }
  let raw: unknown;
  try {
    raw = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new DaybookError(
      "config_invalid",
      `DAYBOOK_CONFIG (${path}) is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const org = orgSchema.safeParse(raw ?? {}, { error: requiredMessage });
  if (!org.success) {
    throw configError(`DAYBOOK_CONFIG (${path})`, org.error, () => undefined, [
      "See docs/configuration.md; daybook.example.yaml is a complete config that starts as it is.",
    ]);
  }
  return { env, org: org.data, orgSource: path };
}

/** A mistyped DAYBOOK_CONFIG would otherwise start the demo organisation without a word. */
function checkDaybookVariables(source: Record<string, string | undefined>): void {
  const known = Object.keys(envSchema.shape);
  const unknown = Object.keys(source).filter((key) => key.startsWith("DAYBOOK_") && !known.includes(key));
  if (unknown.length === 0) return;
  const lines = unknown.map(
    (key) =>
      `  ${key}: not a daybook variable${didYouMean(key, known)}. Fix: rename or unset it (README lists every variable)`,
  );
  throw new DaybookError("config_invalid", `Invalid configuration in environment:\n${lines.join("\n")}`);
}

/** zod's defaults ("expected string, received undefined") say what, not how to fix it. */
function requiredMessage(issue: { code?: string; input?: unknown; expected?: string }): string | undefined {
  if (issue.code !== "invalid_type") return undefined;
  if (issue.input === undefined) return "is required";
  // YAML reads an unquoted 12345678 as a number; ids such as crmOwnerId are text.
  if (issue.expected === "string" && typeof issue.input === "number") {
    return `must be text; put it in quotes: "${issue.input}"`;
  }
  return undefined;
}

function configError(
  where: string,
  error: z.ZodError,
  hint: (key: string) => string | undefined,
  footer: string[] = [],
): DaybookError {
  const lines = error.issues.map((issue) => {
    const fix = hint(String(issue.path[0] ?? ""));
    return `  ${fieldPath(issue.path)}: ${issue.message}${fix ? `. Fix: ${fix}` : ""}`;
  });
  const count = lines.length === 1 ? "1 problem" : `${lines.length} problems`;
  return new DaybookError(
    "config_invalid",
    [`Invalid configuration in ${where} (${count}):`, ...lines, ...footer].join("\n"),
  );
}

/** `digests.close.channels[0]`, as a person would point at it in the file. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[\w-]+$/.test(String(key))) out += `${out ? "." : ""}${String(key)}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || "(top level)";
}
