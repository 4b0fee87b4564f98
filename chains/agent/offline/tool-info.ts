/**
 * What the offline model reads of a bound tool (its name, description, parameters and whether
 * it is one of daybook's approval tools) and the words it matches a question with: synonyms map
 * what people say onto the vocabulary tool names and descriptions use.
 */
import type { BindToolsInput } from "@langchain/core/language_models/chat_models";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import type { ToolDomain } from "../../../src/core/principal.ts";
import { domainWords } from "../domains.ts";

/** Marks daybook's approval tools (set by the agent) so the offline model never mixes reads and writes. */
export const WRITE_TOOL_METADATA_KEY = "daybookWrite";

export interface ParamInfo {
  name: string;
  type?: string;
  hasDefault: boolean;
  enum?: string[];
  properties?: Record<string, { type?: string; enum?: string[] }>;
  description: string;
}

export interface ToolInfo {
  name: string;
  description: string;
  params: ParamInfo[];
  required: Set<string>;
  write: boolean;
  domain: ToolDomain | undefined;
  terms: Set<string>;
  /** Words of the tool's own name ("invoices" for accounting_invoices): its topic, not an example. */
  nameTerms: Set<string>;
}

export const synonyms: [RegExp, string[]][] = [
  [/\b(block\w*|stuck|impediment\w*|waiting on)\b/, ["blocker", "blocked"]],
  [/\b(sprint|standup|stand-up|iteration)\b/, ["sprint"]],
  [/\b(deals?|pipeline|opportunit\w*)\b/, ["deal"]],
  [/\b(need me|needs me|today|priorit\w*|focus|follow[ -]?up|hot)\b/, ["priority", "today", "urgent"]],
  [
    /\b(risk\w*|churn\w*|health\w*|unhappy|at risk|about to (walk|leave|cancel)|walk away|likely to (leave|cancel))\b/,
    ["churn", "risk", "health"],
  ],
  [/\b(close|month[- ]end|closing)\b/, ["close", "exception"]],
  [/\b(exception\w*|left|outstanding|missing)\b/, ["exception"]],
  [/\b(invoices?|bills?)\b/, ["invoice"]],
  [/\b(p&l|p and l|profit|loss|income statement)\b/, ["pnl", "profit", "loss"]],
  [/\b(bank|transactions?|wire|refund|fee)\b/, ["bank", "transaction"]],
  [/\b(issues?|tickets?|stor(y|ies)|bugs?)\b/, ["issue"]],
  [/\b(customers?|accounts?|clients?)\b/, ["customer"]],
  [/\b(log|record)\b/, ["log", "activity"]],
  [/\b(call|note)\b/, ["activity"]],
  [/\b(comment)\b/, ["comment"]],
  [/\b(stage)\b/, ["stage"]],
  [/\b(create|file|open|raise)\b/, ["create"]],
  [/\b(approve)\b/, ["approve"]],
  [/\b(reject|decline)\b/, ["reject"]],
];

const stopwords = new Set(
  "a an the is are was were be been what whats which who whom me my i we our us you your to for of on in at and or with do does did it its that this these those about show tell give list please can could would should will there their how any all some from by as into than then".split(
    " ",
  ),
);

function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("er")) w = w.slice(0, -2);
  return w;
}

export function terms(text: string, expand: boolean): Set<string> {
  const lower = text.toLowerCase().replace(/_/g, " ");
  const out = new Set<string>();
  for (const word of lower.split(/[^a-z0-9&]+/)) {
    if (word.length < 2 || stopwords.has(word)) continue;
    out.add(stem(word));
  }
  if (expand) {
    for (const [pattern, words] of synonyms) if (pattern.test(lower)) for (const w of words) out.add(stem(w));
  }
  return out;
}

// Converting a zod schema to JSON schema costs more than the rest of a turn's planning, and
// the same tools are bound every turn: keep the parsed form by name and description.
const toolInfoCache = new Map<string, ToolInfo>();

export function toolInfo(input: BindToolsInput): ToolInfo {
  const named = input as { name?: unknown; description?: unknown; metadata?: Record<string, unknown> };
  const cacheKey =
    typeof named.name === "string" && typeof named.description === "string"
      ? `${named.name}\u0000${named.description}\u0000${named.metadata?.[WRITE_TOOL_METADATA_KEY] === true}`
      : undefined;
  const cached = cacheKey ? toolInfoCache.get(cacheKey) : undefined;
  if (cached) return cached;
  const info = parseToolInfo(input);
  if (cacheKey) {
    if (toolInfoCache.size > 500) toolInfoCache.clear();
    toolInfoCache.set(cacheKey, info);
  }
  return info;
}

function parseToolInfo(input: BindToolsInput): ToolInfo {
  const spec = convertToOpenAITool(input as Parameters<typeof convertToOpenAITool>[0]);
  const fn = spec.function;
  const parameters = (fn.parameters ?? {}) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  const params: ParamInfo[] = Object.entries(parameters.properties ?? {}).map(([name, s]) => ({
    name,
    ...(typeof s.type === "string" ? { type: s.type } : {}),
    hasDefault: "default" in s,
    ...(Array.isArray(s.enum) ? { enum: s.enum as string[] } : {}),
    ...(s.properties && typeof s.properties === "object"
      ? { properties: s.properties as Record<string, { type?: string; enum?: string[] }> }
      : {}),
    description: typeof s.description === "string" ? s.description : "",
  }));
  const metadata = (input as { metadata?: Record<string, unknown> }).metadata;
  const description = fn.description ?? "";
  const write = metadata?.[WRITE_TOOL_METADATA_KEY] === true;
  return {
    name: fn.name,
    description,
    params,
    required: new Set(parameters.required ?? []),
    write,
    domain: domainOfTool(fn.name, description),
    terms: terms(`${fn.name} ${description}`, true),
    nameTerms: terms(fn.name.replace(/^(jira|crm|accounting)_/, ""), false),
  };
}

function domainOfTool(name: string, description: string): ToolDomain | undefined {
  const prefix = /^(jira|crm|accounting)_/.exec(name)?.[1];
  if (prefix) return prefix as ToolDomain;
  const text = `${name.replace(/_/g, " ")} ${description}`;
  let best: ToolDomain | undefined;
  let bestHits = 0;
  for (const d of Object.keys(domainWords) as ToolDomain[]) {
    const hits = text.match(new RegExp(domainWords[d].source, "gi"))?.length ?? 0;
    if (hits > bestHits) {
      best = d;
      bestHits = hits;
    }
  }
  return best;
}
