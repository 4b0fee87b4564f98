/**
 * GET /metrics of the composed app (issue 15, item 2): a question and an approval driven
 * through POST /slack/events move the counters; labels stay bounded (no user, channel,
 * thread or approval id); the dashboard and alert rules name only metrics that exist.
 */

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse as parseYaml } from "yaml";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { Metrics } from "../src/core/metrics.ts";
import { type App, compose } from "../src/main.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { resilientCall } from "../tools/shared/resilience.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { isPlaceholder } from "./support/slack-messages.ts";

const secret = "5f4e3d2c1b0a99887766554433221100";
const clock = fixedClock("2026-11-23T09:00:00Z");
const alex = "U0DEMOALEX";
const channel = "C0ENG";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition format, one sample a line (`name{a="b"} 1`); comments skipped. */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] ?? ""] = l[2] ?? "";
    }
    out.push({ name: m[1] ?? "", labels, value: Number(m[3]) });
  }
  return out;
}

function apiArgs(req: RecordedRequest): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("json")) return JSON.parse(req.body || "{}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return out;
}

describe("GET /metrics of the composed app", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let seq = 0;
  const posts: { ts: string; args: Record<string, unknown> }[] = [];
  let app: App;
  let http: Hono;
  let approvalId = "";

  const send = (body: string) => {
    const now = Math.floor(clock.now() / 1000);
    return http.request("/slack/events", {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(now),
        "x-slack-signature": signSlackRequest(secret, now, body),
      },
    });
  };
  const mention = (text: string, ts: string) =>
    send(
      JSON.stringify({
        token: "legacy",
        team_id: "T0DEMO",
        api_app_id: "A0DAYBOOK",
        type: "event_callback",
        event_id: `Ev${randomUUID().slice(0, 8)}`,
        event_time: Math.floor(clock.now() / 1000),
        event: { type: "app_mention", user: alex, text: `<@U0BOT> ${text}`, ts, channel, event_ts: ts },
        authorizations: [{ team_id: "T0DEMO", user_id: "U0BOT", is_bot: true }],
      }),
    );
  const repliesIn = (ts: string) => posts.filter((p) => p.args.thread_ts === ts && !isPlaceholder(p.args));
  const scrape = async (server = http) => {
    const res = await server.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    return parseExposition(await res.text());
  };
  const total = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);

  beforeAll(async () => {
    fake = await startFakeServer((req) => {
      const args = apiArgs(req);
      switch (req.path) {
        case "/api/chat.postMessage": {
          const ts = `1763888400.${String(++seq).padStart(6, "0")}`;
          posts.push({ ts, args });
          return { body: { ok: true, channel: args.channel, ts } };
        }
        case "/api/chat.update": {
          // As Slack does: the turn's placeholder now reads as its answer.
          const i = posts.findIndex((p) => p.ts === args.ts && p.args.channel === args.channel);
          const before = posts[i];
          if (before) posts[i] = { ts: before.ts, args: { ...before.args, ...args } };
          return { body: { ok: true, channel: args.channel, ts: args.ts } };
        }
        case "/api/conversations.info":
          return { body: { ok: true, channel: { id: args.channel, name: "engineering" } } };
        case "/api/conversations.members":
          return { body: { ok: true, members: [alex, "U0BOT"], response_metadata: { next_cursor: "" } } };
        case "/api/auth.test":
          return { body: { ok: true, user_id: "U0BOT" } };
        default:
          return { body: { ok: true } };
      }
    });
    const env = loadConfig({
      SLACK_SIGNING_SECRET: secret,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_API_URL: `${fake.url}/api/`,
    }).env;
    const store = new MemoryStore({ clock });
    app = await compose(
      { env, org: demoOrg, orgSource: "test" },
      {
        store,
        ports: createDemoPorts({ clock }),
        clock,
        logger: silentLogger,
        platforms: true,
        role: "all",
        output: new PassThrough(),
      },
    );
    http = createServer({
      store,
      logger: silentLogger,
      inFlight: app.inFlight,
      routes: app.routes,
      metrics: app.metrics,
    });

    // A question, then a write that becomes an approval, approved by a second person.
    expect((await mention("what is blocking the sprint?", "1763888000.200001")).status).toBe(200);
    await vi.waitFor(() => expect(repliesIn("1763888000.200001").length).toBeGreaterThan(0), { timeout: 15_000 });
    expect((await mention("create a jira issue to fix the login page", "1763888000.200002")).status).toBe(200);
    await vi.waitFor(
      () =>
        expect(repliesIn("1763888000.200002").some((p) => JSON.stringify(p.args).includes(APPROVE_ACTION_ID))).toBe(
          true,
        ),
      { timeout: 15_000 },
    );
    approvalId = (await app.approvals.audit.list()).find((e) => e.event === "requested")?.approvalId ?? "";
    expect(approvalId).not.toBe("");
    const decided = await app.approvals.decide(approvalId, { platform: "slack", id: alex, name: "alex" }, "approve");
    expect(decided.kind).toBe("decided");
    const events = async () => (await app.approvals.audit.list()).map((e) => e.event);
    await vi.waitFor(async () => expect(await events()).toContain("executed"), {
      timeout: 15_000,
    });
    await http.request("/no/such/path/U0DEMOALEX");
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it("counts platform requests by route pattern and status, and times their acks", async () => {
    const samples = await scrape();
    expect(total(samples, "daybook_http_requests_total", { route: "/slack/events", status: "200" })).toBe(2);
    expect(total(samples, "daybook_ack_duration_seconds_count", { route: "/slack/events" })).toBe(2);
    // An unknown path is one series however many paths are asked, never the path itself.
    expect(total(samples, "daybook_http_requests_total", { route: "unmatched", status: "404" })).toBe(1);
  });

  it("counts answered turns, the agent's tool calls and the approval's state changes", async () => {
    const samples = await scrape();
    expect(total(samples, "daybook_agent_turns_total", { platform: "slack", outcome: "ok" })).toBe(2);
    expect(total(samples, "daybook_agent_turn_duration_seconds_count", { platform: "slack" })).toBe(2);
    expect(total(samples, "daybook_tool_calls_total", { outcome: "ok" })).toBeGreaterThan(0);
    const tools = samples.filter((s) => s.name === "daybook_tool_calls_total").map((s) => s.labels.tool);
    expect(tools).toContain("jira_create_issue");
    for (const event of ["requested", "approved", "executed"]) {
      expect(total(samples, "daybook_approvals_total", { event })).toBe(1);
    }
  });

  it("reports each queue's depth and oldest age at scrape time", async () => {
    const samples = await scrape();
    const queues = samples.filter((s) => s.name === "daybook_queue_waiting").map((s) => s.labels.queue);
    expect(queues.sort()).toEqual(["actions", "notices", "turns"]);
    expect(total(samples, "daybook_queue_oldest_age_seconds", { queue: "turns" })).toBe(0);
  });

  it("counts a digest run by digest and status", async () => {
    await app.scheduler.fire("standup", Date.parse("2026-11-23T09:00:00Z"));
    const samples = await scrape();
    expect(total(samples, "daybook_digest_runs_total", { digest: "standup" })).toBe(1);
  });

  it("never uses a user, channel, thread or approval id as a label value", async () => {
    const samples = await scrape();
    const values = samples.flatMap((s) => Object.values(s.labels));
    for (const id of [alex, channel, "1763888000.200001", "1763888000.200002", approvalId, "U0DEMOALEX"]) {
      expect(values.some((v) => v.includes(id))).toBe(false);
    }
    // Bounded label names: only these appear on daybook's own metrics.
    const allowed = new Set(["method", "route", "status", "platform", "outcome", "tool", "model", "kind"]);
    for (const name of ["event", "digest", "queue", "le"]) allowed.add(name);
    const own = samples.filter((s) => s.name.startsWith("daybook_") && !s.name.startsWith("daybook_nodejs"));
    for (const s of own) for (const label of Object.keys(s.labels)) expect(allowed, s.name).toContain(label);
  });

  it("is served by a worker's health-only server too, from that app's own registry", async () => {
    const worker = createServer({
      store: app.store,
      logger: silentLogger,
      inFlight: app.inFlight,
      metrics: new Metrics(),
    });
    const samples = await scrape(worker);
    expect(total(samples, "daybook_agent_turns_total")).toBe(0);
    expect(samples.some((s) => s.name === "daybook_process_cpu_user_seconds_total")).toBe(true);
  });
});

describe("upstream calls through resilientCall", () => {
  it("counts a 429, its retry and the call's final outcome by system", async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    let attempts = 0;
    const op = async () => {
      if (++attempts === 1)
        throw Object.assign(new Error("slow down"), { status: 429, headers: { "retry-after": "0" } });
      return "done";
    };
    const options = { system: "Jira", upstream: metrics.upstream, sleep: async () => {} };
    expect(await resilientCall("search", op, options)).toBe("done");
    await expect(
      resilientCall("search", async () => Promise.reject(Object.assign(new Error("no"), { status: 400 })), options),
    ).rejects.toThrow();
    const samples = parseExposition(await metrics.scrape());
    const value = (name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value("daybook_upstream_rate_limited_total", { system: "Jira" })).toBe(1);
    expect(value("daybook_upstream_retries_total", { system: "Jira" })).toBe(1);
    expect(value("daybook_upstream_calls_total", { system: "Jira", outcome: "ok" })).toBe(1);
    expect(value("daybook_upstream_calls_total", { system: "Jira", outcome: "error" })).toBe(1);
  });
});

describe("the shipped dashboard and alert rules", () => {
  const known = new Set<string>();
  beforeAll(async () => {
    const metrics = new Metrics();
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      known.add(m.name);
      if (String(m.type) === "histogram") for (const s of ["_bucket", "_sum", "_count"]) known.add(`${m.name}${s}`);
    }
  });
  const namesIn = (expr: string) => [...expr.matchAll(/\b(daybook_[a-z0-9_]+)/g)].map((m) => m[1] ?? "");

  it("parses the alert rules and names only metrics the registry has", () => {
    const rules = parseYaml(readFileSync("deploy/alerts.yaml", "utf8")) as {
      groups: { name: string; rules: { alert: string; expr: string; labels: { severity: string } }[] }[];
    };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        "DaybookAcksSlow",
        "DaybookDigestsFailing",
        "DaybookApprovalsStuck",
        "DaybookUpstreamDown",
        "DaybookRedisSlow",
        "DaybookRedisErrors",
      ]),
    );
    for (const rule of all) {
      expect(namesIn(rule.expr).length, rule.alert).toBeGreaterThan(0);
      for (const name of namesIn(rule.expr)) expect(known, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it("parses the Grafana dashboard and names only metrics the registry has", () => {
    const dashboard = JSON.parse(readFileSync("deploy/grafana-dashboard.json", "utf8")) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThan(5);
    for (const { title, expr } of exprs) {
      for (const name of namesIn(expr)) expect(known, `${title}: ${name}`).toContain(name);
    }
    // And the other way round: every metric of daybook's own is charted somewhere (prom-client's
    // process defaults are charted only in part).
    const charted = new Set(
      exprs.flatMap(({ expr }) => namesIn(expr).map((n) => n.replace(/_(bucket|sum|count)$/, ""))),
    );
    const own = [...known].filter((n) => !/^daybook_(process|nodejs)_|_(bucket|sum|count)$/.test(n));
    expect(own).toEqual(
      expect.arrayContaining(["daybook_redis_command_duration_seconds", "daybook_model_cost_usd_total"]),
    );
    for (const name of own) expect(charted, name).toContain(name);
  });
});
