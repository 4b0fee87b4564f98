/**
 * Issue 15, item 3: one trace from the platform request through the work queue, the turn, the
 * agent, each tool and connector call, to the post; the trace id is the one a person sees in an
 * error reply and the one on the log lines. The composed app runs over real sockets and real
 * Redis (test/support/whole-app.ts) with an in-memory span exporter registered as the SDK
 * would register it (src/compose/tracing.ts does the same with the OTLP exporter).
 */
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { demoOrg } from "../src/config/demo-org.ts";
import { systemClock } from "../src/core/clock.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import { createLogger } from "../src/core/logger.ts";
import { inSpan } from "../src/core/tracing.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { redisSkipReason } from "./support/redis.ts";
import { slackTeam, startWholeApp, type WholeApp } from "./support/whole-app.ts";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

/** What `read` returns once it returns something (the app answers and exports asynchronously). */
const until = <T>(read: () => T | undefined): Promise<T> =>
  vi.waitFor(
    () => {
      const value = read();
      if (value === undefined) throw new Error("timed out waiting for the app");
      return value;
    },
    { timeout: 15_000, interval: 25 },
  );

const spans = () => exporter.getFinishedSpans();
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const named = (trace: ReadableSpan[], name: string | RegExp) =>
  trace.filter((s) => (typeof name === "string" ? s.name === name : name.test(s.name)));

function one(trace: ReadableSpan[], name: string | RegExp): ReadableSpan {
  const found = named(trace, name);
  if (found.length === 0) throw new Error(`no span ${name}; spans: ${trace.map((s) => s.name).join(", ")}`);
  return found[0] as ReadableSpan;
}

/** `child`'s chain of parents reaches `ancestor` (spans in between are allowed). */
function descendsFrom(trace: ReadableSpan[], child: ReadableSpan, ancestor: ReadableSpan): boolean {
  const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
  for (let at: ReadableSpan | undefined = child; at; at = byId.get(parentOf(at) ?? "")) {
    if (at === ancestor) return true;
  }
  return false;
}

/** Every span of the trace the reply to `ts` belongs to, once its post span has ended. */
async function traceOfReply(w: WholeApp, ts: string): Promise<{ trace: ReadableSpan[]; text: string }> {
  // The answer replaces the turn's placeholder (posted() shows messages as they read now).
  const reply = await until(() => w.slack.posted().find((p) => p.args.thread_ts === ts)?.args);
  const http = await until(() =>
    spans().find((s) => s.name === "POST /slack/events" && spans().some((p) => p.name === "slack post")),
  );
  const traceId = http.spanContext().traceId;
  // The post span ends after the platform answered, a moment after the fake recorded the call.
  const trace = await until(() => {
    const all = spans().filter((s) => s.spanContext().traceId === traceId);
    return all.some((s) => s.name === "slack post") && all.some((s) => s.name === "turns process") ? all : undefined;
  });
  return { trace, text: JSON.stringify(reply) };
}

describe.skipIf(redisSkipReason !== undefined)("one trace per question, from the Slack request to the post", () => {
  let w: WholeApp;
  let failCrm = false;
  const lines: string[] = [];
  beforeAll(async () => {
    const demo = createDemoPorts({ clock: systemClock });
    // The CRM can be made to fail like a connector whose API is down.
    const crm = new Proxy(demo.crm, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (failCrm) return Promise.reject(new Error("socket hang up"));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const ports: Ports = { ...demo, crm };
    w = await startWholeApp({
      org: demoOrg,
      ports,
      logger: createLogger({ level: "debug", write: (line) => lines.push(line) }),
    });
  });
  afterAll(async () => {
    await w?.close();
  });
  beforeEach(() => {
    exporter.reset();
    failCrm = false;
  });

  it("links the request, the queue, the turn, the agent, the tool, the connector and the post, parent to child", async () => {
    const res = await w.slackEvent({
      type: "app_mention",
      user: "U0DEMOALEX",
      text: "<@U0WHOLEBOT> what's blocking the sprint?",
      channel: "C0ENGINEERING",
      ts: "1764493300.000100",
      team: slackTeam,
    });
    expect(res.status).toBe(200);
    const { trace } = await traceOfReply(w, "1764493300.000100");

    const http = one(trace, "POST /slack/events");
    const send = one(trace, "turns send");
    const process = one(trace, "turns process");
    const turn = one(trace, "turn");
    const agent = one(trace, "agent");
    const tool = one(trace, /^tool /);
    // The tool's own Jira call. The first question also loads the agent (7e408e0), whose example
    // questions read Jira under the turn but outside any tool; that call is the turn's, not the tool's.
    const upstream = named(trace, /^jira\./).find((s) => descendsFrom(trace, s, tool)) ?? one(trace, /^jira\./);
    expect(named(trace, /^jira\./).every((s) => descendsFrom(trace, s, turn))).toBe(true);
    // The turn's posts: its placeholder (posted as the worker takes the turn) and the answer
    // that replaces it, within the turn's span.
    const posts = named(trace, "slack post");
    const post = posts.find((p) => descendsFrom(trace, p, turn)) ?? one(trace, "slack post");

    expect(parentOf(http)).toBeUndefined();
    expect(parentOf(send)).toBe(http.spanContext().spanId);
    // Across the queue: the worker's span continues the enqueuer's traceparent.
    expect(parentOf(process)).toBe(send.spanContext().spanId);
    expect(parentOf(turn)).toBe(process.spanContext().spanId);
    expect(descendsFrom(trace, agent, turn)).toBe(true);
    expect(descendsFrom(trace, tool, agent)).toBe(true);
    expect(descendsFrom(trace, upstream, tool)).toBe(true);
    expect(descendsFrom(trace, post, turn)).toBe(true);
    expect(http.attributes["http.route"]).toBe("/slack/events");
    expect(http.attributes["http.response.status_code"]).toBe(200);
    expect(tool.attributes["daybook.tool"]).toMatch(/^jira_/);
    // The ack came before the work: the request span ended before the turn started.
    expect(http.endTime[0] * 1e9 + http.endTime[1]).toBeLessThanOrEqual(turn.startTime[0] * 1e9 + turn.startTime[1]);
    // No span carries what was asked.
    expect(JSON.stringify(trace.map((s) => s.attributes))).not.toMatch(/blocking/);
  });

  it("shows the trace id in the error reply when a connector fails, and puts it on the log lines", async () => {
    failCrm = true;
    lines.length = 0;
    // In a DM, where the CRM answer may be shown.
    const res = await w.slackEvent({
      type: "message",
      channel_type: "im",
      user: "U0DEMOALEX",
      text: "which deals need me today?",
      channel: "D0DEMOALEX",
      ts: "1764493300.000200",
      team: slackTeam,
    });
    expect(res.status).toBe(200);
    const { trace, text } = await traceOfReply(w, "1764493300.000200");
    const traceId = one(trace, "turn").spanContext().traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(text).toContain(`trace ${traceId}`);

    const failed = named(trace, /^crm\./).filter((s) => s.status.code === 2);
    expect(failed.length).toBeGreaterThan(0);
    expect(one(trace, /^tool crm_/).attributes["error.type"]).toBeDefined();
    // Logged under the same id, as `traceId` and as the span's `trace_id`.
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "tool failed");
    expect(logged.length).toBeGreaterThan(0);
    for (const l of logged) {
      expect(l.traceId).toBe(traceId);
      expect(l.trace_id).toBe(traceId);
    }
  });

  it("answers a Teams message in one trace from /api/messages to the post", async () => {
    const res = await w.teamsActivity({
      type: "message",
      id: "teams-trace-1",
      channelId: "msteams",
      serviceUrl: `${w.connector.url}/`,
      text: "what's blocking the sprint?",
      from: { id: "29:demo-alex", name: "Alex Rivera", aadObjectId: "aad-alex" },
      recipient: { id: `28:${w.teamsAuth.appId}`, name: "daybook" },
      conversation: { id: "a:personal-trace", conversationType: "personal", tenantId: w.teamsAuth.tenantId },
      channelData: { tenant: { id: w.teamsAuth.tenantId } },
      timestamp: new Date().toISOString(),
    });
    expect(res.status).toBeLessThan(300);
    // The answer's post (the stream's final message), once the request's span has ended too.
    const trace = await until(() => {
      const http = spans().find((s) => s.name === "POST /api/messages");
      const all = spans().filter((s) => s.spanContext().traceId === http?.spanContext().traceId);
      return http && all.filter((s) => s.name === "teams post").length >= 2 ? all : undefined;
    });
    const post = named(trace, "teams post").at(-1) as ReadableSpan;
    const http = one(trace, "POST /api/messages");
    expect(descendsFrom(trace, post, http)).toBe(true);
    expect(descendsFrom(trace, one(trace, "turns process"), one(trace, "turns send"))).toBe(true);
  });
});

describe.skipIf(redisSkipReason !== undefined)("one trace per digest firing", () => {
  let w: WholeApp;
  beforeAll(async () => {
    w = await startWholeApp({ org: demoOrg, teamsAppId: "00000000-0000-0000-0000-00000000d165" });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("puts the digest's connector reads and its post under one digest span", async () => {
    exporter.reset();
    const run = await w.app.scheduler.fire("standup", Date.UTC(2026, 10, 23, 9, 0));
    expect(run.status).not.toBe("failed");
    const digest = one(spans(), "digest standup");
    const trace = spans().filter((s) => s.spanContext().traceId === digest.spanContext().traceId);
    expect(digest.attributes["daybook.digest.status"]).toBe(run.status);
    expect(descendsFrom(trace, one(trace, /^jira\./), digest)).toBe(true);
    expect(descendsFrom(trace, one(trace, / post$/), digest)).toBe(true);
  });
});

describe("trace ids without a tracing backend", () => {
  it("keeps the short random id when no span is active", async () => {
    const { newTraceId } = await import("../src/core/user-facing-error.ts");
    expect(newTraceId()).toMatch(/^[0-9a-f]{8}$/);
  });

  it("uses the active span's trace id once a provider is registered", async () => {
    const { newTraceId } = await import("../src/core/user-facing-error.ts");
    const ids = await inSpan("probe", {}, async (span) => ({ seen: newTraceId(), real: span.spanContext().traceId }));
    expect(ids.seen).toBe(ids.real);
  });
});
