/**
 * Issue 15, item 2 (the parts test/metrics.test.ts does not cover): Redis command latency and
 * errors at the store boundary, labelled by command name only, and model tokens and their cost
 * from the price table (MODEL_PRICES over its documented default).
 */
import { randomUUID } from "node:crypto";
import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import { defaultModelPrices } from "../src/config/telemetry.ts";
import type { Approval } from "../src/core/approval.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { Metrics } from "../src/core/metrics.ts";
import { type App, compose } from "../src/main.ts";
import { RedisStreamQueue } from "../src/queue/redis-stream-queue.ts";
import type { RedisStore } from "../src/store/redis-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { agentCatalog, askAs, demoNow, demoPrincipals } from "./agent-fixtures.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";

const clock = fixedClock(demoNow);

async function sample(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name.replace(/_(count|sum)$/, ""));
  const values = (metric?.values ?? []) as { value: number; labels: Record<string, unknown>; metricName?: string }[];
  return values
    .filter((v) => (v.metricName ?? metric?.name) === name)
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

async function labelValues(metrics: Metrics, name: string, label: string): Promise<string[]> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return [...new Set((metric?.values ?? []).map((v) => String(v.labels[label])))].sort();
}

describe.skipIf(redisSkipReason !== undefined)("Redis command metrics at the store boundary", () => {
  let store: RedisStore;
  const metrics = new Metrics({ defaultMetrics: false });
  beforeAll(async () => {
    store = await connectTestRedis(`test:metrics-store:${randomUUID()}:`);
    store.observeCommands(metrics.redisCommands);
  });
  afterAll(async () => {
    await store?.close();
  });

  it("times each command by its name and counts the ones that fail", async () => {
    await store.set("a", "1");
    await store.get("a");
    await store.get("b");
    await store.compareAndSet("a", "1", "2");
    expect(await sample(metrics, "daybook_redis_command_duration_seconds_count", { command: "GET" })).toBe(2);
    expect(await sample(metrics, "daybook_redis_command_duration_seconds_count", { command: "SET" })).toBe(1);
    expect(
      await sample(metrics, "daybook_redis_command_duration_seconds_count", { command: "EVAL:compare_and_set" }),
    ).toBe(1);
    expect(await sample(metrics, "daybook_redis_command_errors_total")).toBe(0);

    // A list read of a string key: Redis answers WRONGTYPE.
    await expect(store.range("a", 0, -1)).rejects.toMatchObject({ code: "store_unavailable" });
    expect(await sample(metrics, "daybook_redis_command_errors_total", { command: "LRANGE" })).toBe(1);
    expect(await sample(metrics, "daybook_redis_command_duration_seconds_count", { command: "LRANGE" })).toBe(1);
  });

  it("labels the work queue's commands by name too, never by key or stream", async () => {
    const queue = new RedisStreamQueue(store, { name: `m${randomUUID().slice(0, 6)}`, maxDepth: 10 });
    expect((await queue.enqueue({ kind: "turn", key: "slack:T1:C1:123.456", payload: { n: 1 } })).status).toBe(
      "queued",
    );
    await queue.stats();
    expect(await sample(metrics, "daybook_redis_command_duration_seconds_count", { command: "EVALSHA:enqueue" })).toBe(
      1,
    );
    const commands = await labelValues(metrics, "daybook_redis_command_duration_seconds", "command");
    expect(commands).toEqual(expect.arrayContaining(["GET", "SET", "EVALSHA:enqueue"]));
    for (const c of commands) expect(c).toMatch(/^(EVAL|EVALSHA):[a-z_]+$|^[A-Z][A-Z +]*[A-Z]$/);
    expect(commands.join(" ")).not.toMatch(/slack|T1|queue:/);
    await queue.stop(0);
  });

  it("is wired by composition for a Redis store, and served on the app's registry", async () => {
    const own = await connectTestRedis(`test:metrics-compose:${randomUUID()}:`);
    let app: App | undefined;
    try {
      app = await compose(
        { env: loadConfig({}).env, org: demoOrg, orgSource: "test" },
        { store: own, ports: createDemoPorts({ clock }), clock, logger: silentLogger },
      );
      await app.store.get("anything");
      expect(await sample(app.metrics, "daybook_redis_command_duration_seconds_count", { command: "GET" })).toBe(1);
      expect(await app.metrics.scrape()).toMatch(
        /^daybook_redis_command_duration_seconds_bucket\{le="0.001",command="GET"\}/m,
      );
    } finally {
      await app?.close();
    }
  });
});

describe("model tokens and cost", () => {
  it("prices tokens from the default table, in US dollars per million tokens", async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.priceModels(loadConfig({}).env.MODEL_PRICES);
    metrics.countModelTokens("gpt-4.1-mini", "input", 1_000_000);
    metrics.countModelTokens("gpt-4.1-mini", "output", 250_000);
    expect(await sample(metrics, "daybook_model_tokens_total", { model: "gpt-4.1-mini", kind: "input" })).toBe(
      1_000_000,
    );
    const mini = defaultModelPrices["gpt-4.1-mini"];
    expect(await sample(metrics, "daybook_model_cost_usd_total", { model: "gpt-4.1-mini" })).toBeCloseTo(
      (mini?.input ?? Number.NaN) + (mini?.output ?? Number.NaN) / 4,
      9,
    );
  });

  it("takes MODEL_PRICES over the default, and counts an unpriced model's tokens without a cost", async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.priceModels(loadConfig({ MODEL_PRICES: '{"local-llama":{"input":0,"output":0.5}}' }).env.MODEL_PRICES);
    metrics.countModelTokens("local-llama", "output", 2_000_000);
    metrics.countModelTokens("mystery-model", "input", 1234);
    expect(await sample(metrics, "daybook_model_cost_usd_total", { model: "local-llama" })).toBeCloseTo(1, 9);
    expect(await sample(metrics, "daybook_model_tokens_total", { model: "mystery-model" })).toBe(1234);
    expect(await labelValues(metrics, "daybook_model_cost_usd_total", "model")).toEqual(["local-llama"]);
  });

  it("counts what the model reported over a whole agent turn, tool round included", async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.priceModels({ "gpt-4.1": { input: 2, output: 8 } });
    const catalog = agentCatalog();
    const sprintTool = catalog.read.find((r) => /sprint/.test(r.tool.name))?.tool.name ?? "";
    const model = fakeModel()
      .respond(
        new AIMessage({
          content: "",
          tool_calls: [{ name: sprintTool, args: {}, id: "c1", type: "tool_call" }],
          usage_metadata: { input_tokens: 1000, output_tokens: 20, total_tokens: 1020 },
        }),
      )
      .respond(
        new AIMessage({
          content: "Sprint answer.",
          usage_metadata: { input_tokens: 1500, output_tokens: 80, total_tokens: 1580 },
        }),
      );
    const answerer = createAgentAnswerer({
      model,
      modelLabel: "gpt-4.1",
      catalog,
      approvals: { requestApproval: async () => ({ id: "apr1" }) as Approval },
      logger: silentLogger,
      clock,
      metrics,
    });
    await askAs(answerer, demoPrincipals, "alex", "what's blocking the sprint?");
    expect(await sample(metrics, "daybook_model_tokens_total", { model: "gpt-4.1", kind: "input" })).toBe(2500);
    expect(await sample(metrics, "daybook_model_tokens_total", { model: "gpt-4.1", kind: "output" })).toBe(100);
    expect(await sample(metrics, "daybook_model_cost_usd_total", { model: "gpt-4.1" })).toBeCloseTo(
      (2500 * 2 + 100 * 8) / 1_000_000,
      12,
    );
  });
});
