/**
 * How a failing tool call is given back to the model. LangChain's default turns the error into
 * the tool message text: for arguments that fail the schema that is `ToolInvocationError`'s
 * message, which embeds the parsing error's whole stack (`at DynamicStructuredTool.call
 * (file:///…/node_modules/…)`), and the model or the offline renderer then repeats it in the
 * reply. Here every failure becomes a short coded sentence (`{"error": …, "code": …}`, the
 * shape runTool returns) and is logged once through src/core/user-facing-error.ts.
 */
import type { Logger } from "../../src/core/logger.ts";
import { inSpan, markError } from "../../src/core/tracing.ts";
import { reportError, toolErrorResult, withErrorScope } from "../../src/core/user-facing-error.ts";

const maxIssues = 4;
const maxIssueChars = 120;

/** `langchain` is imported on the first turn (agent.ts), so it is handed in rather than imported. */
type LangChain = typeof import("langchain");

/** The middleware pair for createAgent: error conversion outside, the tool's error scope inside. */
export function toolErrorHandling(lc: LangChain, log: Logger, traceId: string) {
  const { createMiddleware, MiddlewareError, ToolInvocationError, toolErrorMiddleware } = lc;
  const unwrap = (error: unknown): unknown => {
    let e = error;
    for (let i = 0; i < 5 && MiddlewareError.isInstance(e); i++) e = (e as Error).cause;
    return e;
  };
  return [
    toolErrorMiddleware({
      onError: (error, request) => {
        // A turn that ran out of time ends as a timeout, not as a tool result the model retries.
        if (request.runtime?.signal?.aborted) return undefined;
        const tool = request.toolCall.name;
        const invocation = unwrap(error);
        if (invocation instanceof ToolInvocationError) {
          const issues = schemaIssues(invocation.toolError);
          log.info("tool arguments rejected", { traceId, component: "tool", tool, code: "bad_request" });
          return toolErrorResult({
            code: "bad_request",
            text: `That lookup (${tool}) needs different arguments${issues ? `: ${issues}` : ""}.`,
          });
        }
        const facing = reportError(log, error, { msg: "tool failed", component: "tool", traceId, fields: { tool } });
        return toolErrorResult(facing);
      },
    }),
    // Tool bodies that catch their own errors (runTool) log through this scope, with the tool's
    // name; each call is a span (docs/tracing.md), failed when its result is an error.
    createMiddleware({
      name: "DaybookToolScope",
      wrapToolCall: (request, handler) =>
        inSpan(`tool ${request.toolCall.name}`, { attributes: { "daybook.tool": request.toolCall.name } }, (span) =>
          withErrorScope({ log: log.child({ tool: request.toolCall.name }), traceId, component: "tool" }, async () => {
            const result = await handler(request);
            const code = errorCodeOf(result);
            if (code) markError(span, code);
            return result;
          }),
        ),
    }),
  ];
}

/** The `code` of a tool result shaped `{"error", "code"}` (toolErrorResult, runTool); else undefined. */
function errorCodeOf(result: unknown): string | undefined {
  const content = (result as { content?: unknown } | undefined)?.content;
  if (typeof content !== "string" || !content.startsWith('{"error":')) return undefined;
  try {
    const code = (JSON.parse(content) as { code?: unknown }).code;
    return typeof code === "string" ? code : "error";
  } catch {
    return "error";
  }
}

/**
 * "field: problem" pairs from a zod parsing error as LangChain formats it
 * (`✖ Invalid input: expected string\n  → at to`), without values, stacks or library names.
 */
export function schemaIssues(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  const out: string[] = [];
  const lines = message.split("\n");
  for (let i = 0; i < lines.length && out.length < maxIssues; i++) {
    const issue = /^\s*✖\s*(.+)$/.exec(lines[i] ?? "")?.[1];
    if (!issue) continue;
    const path = /^\s*→ at (.+)$/.exec(lines[i + 1] ?? "")?.[1];
    const text = path ? `${path}: ${issue}` : issue;
    out.push(text.length > maxIssueChars ? `${text.slice(0, maxIssueChars - 1)}…` : text);
  }
  return out.join("; ");
}
