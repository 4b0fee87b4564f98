/**
 * What no reply and no log line may contain, and the per-file record of what was seen. The
 * setup file (scan-setup.ts) feeds every rendered reply and every log line of the suite through
 * `scanReply` / `scanLogLine`; its afterAll fails the test file on the first violations.
 */

export interface Violation {
  kind: "reply" | "log";
  rule: string;
  excerpt: string;
}

/** Stack traces, file paths and library internals: a reply showing one leaked an error. */
const replyRules: [string, RegExp][] = [
  ["stack frame", /\bat [\w$.<>[\] ]+ \((?:file:|node:|\/)[^)]*:\d+:\d+\)/],
  ["indented stack line", /(?:^|\n)\s{2,}at \S/],
  ["file URL", /file:\/\//],
  ["node_modules path", /\/node_modules\//],
  ["repository path", /\/work\//],
  ["source position", /\.(?:ts|js|mjs|cjs):\d+/],
  [
    "library error class",
    /\b(?:ToolInputParsingException|ToolInvocationError|MiddlewareError|GraphRecursionError|AxiosError|HttpError|ZodError|FetchError|AbortError|DaybookError)\b/,
  ],
  ["JavaScript error prefix", /\b(?:TypeError|ReferenceError|SyntaxError|RangeError|Error): [A-Z]/],
  ["LangChain error text", /Error invoking tool|Please fix (?:your mistakes|the error)/],
  ["socket error code", /\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE)\b/],
];

/**
 * Secrets and message bodies in a log line (after the logger's redaction: anything matching
 * here got through it). Known message texts are questions the suite sends as chat messages.
 */
const logRules: [string, RegExp][] = [
  ["bearer credential", /\bbearer\s+(?!\[redacted\])[^\s"\\,;]+/i],
  ["basic credential", /\bbasic\s+(?!\[redacted\])[A-Za-z0-9+/]{12,}={0,2}(?![\w+/])/i],
  [
    "password or secret pair",
    /\b(?:password|passwd|pwd|secret|client_secret|api_key|apikey)\s*[=:]\s*(?!\[redacted\])(?!")[^\s"&,;}\]]+/i,
  ],
  ["Slack token", /\bxox[abprse]-(?!\[)[\w-]+|\bxapp-\d/],
  ["GitHub token", /\bgh[pousr]_[A-Za-z0-9]{10,}/],
  ["AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["API secret key", /\bsk-[\w-]{6,}|\b[rsp]k_(?:live|test)_\w{6,}/],
  ["JWT", /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/],
  ["credentials in a URL", /\/\/(?!\[redacted\])[^/\s:@"]+:[^/\s@"]+@/],
];

/** Chat messages the suite sends; none may appear in a log line. Lower-case, matched case-insensitively. */
export const knownMessageTexts = [
  "which deals need me today",
  "what's blocking the sprint",
  "why is brighttech at risk",
  "what's left for the november close",
  "which customers might churn",
  "draft an email to them",
  "payroll question",
  "how is the sprint going",
  "tell me about the second one",
];

function excerpt(text: string, at: number): string {
  return text.slice(Math.max(0, at - 60), at + 100).replace(/\s+/g, " ");
}

export function replyViolations(text: string): Violation[] {
  const out: Violation[] = [];
  for (const [rule, pattern] of replyRules) {
    const m = pattern.exec(text);
    if (m) out.push({ kind: "reply", rule, excerpt: excerpt(text, m.index) });
  }
  return out;
}

export function logViolations(line: string): Violation[] {
  const out: Violation[] = [];
  for (const [rule, pattern] of logRules) {
    const m = pattern.exec(line);
    if (m) out.push({ kind: "log", rule, excerpt: excerpt(line, m.index) });
  }
  const lower = line.toLowerCase();
  for (const text of knownMessageTexts) {
    const at = lower.indexOf(text);
    if (at >= 0) out.push({ kind: "log", rule: "message text", excerpt: excerpt(line, at) });
  }
  return out;
}

/** Every string inside a rendered card (Block Kit, Adaptive Card, text), scanned as it would show. */
export function stringsIn(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === "string") out.push(value);
  else if (depth < 30 && Array.isArray(value)) for (const v of value) stringsIn(v, out, depth + 1);
  else if (depth < 30 && value !== null && typeof value === "object")
    for (const v of Object.values(value)) stringsIn(v, out, depth + 1);
  return out;
}
