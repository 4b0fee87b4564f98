/**
 * Issue 15, "fast start": an SDK is imported only when its integration is configured. Each
 * case composes the app in a fresh Node process whose module hooks record every package that
 * is loaded, so a stray static import anywhere in the graph shows up here.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startFakeServer } from "./support/http.ts";

const repo = fileURLToPath(new URL("../", import.meta.url));

const hooks = `
import { registerHooks } from "node:module";
const seen = new Set();
registerHooks({
  load(url, context, next) {
    const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url);
    if (m) seen.add(m[1]);
    return next(url, context);
  },
});
process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify([...seen]) + "\\n"));
`;

const composeOnce = `
const { loadConfig } = await import("./src/config/load.ts");
const { compose } = await import("./src/compose/app.ts");
const app = await compose(loadConfig(process.env), { platforms: true, role: "all" });
await app.close();
`;

/** The packages a composition with these settings loads. */
function packagesLoaded(env: Record<string, string>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", `data:text/javascript,${encodeURIComponent(hooks)}`, "--input-type=module", "-e", composeOnce],
      {
        cwd: repo,
        env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent", ...env },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = /^LOADED (.*)$/m.exec(stderr)?.[1];
      if (code !== 0 || !line) reject(new Error(`composition failed (${code}): ${stderr.slice(-1500)}`));
      else resolve(JSON.parse(line) as string[]);
    });
  });
}

// redis: a process without REDIS_URL never connects, so it need not load the client either.
const sdks = [
  "redis",
  "@redis/client",
  "@slack/bolt",
  "botbuilder",
  "@langchain/openai",
  "openai",
  "langchain",
  "jira.js",
  "xero-node",
  "@hubspot/api-client",
  // Charts: drawn on the first digest that posts one (chains/charts/render.ts).
  "vega",
  "vega-lite",
  "@resvg/resvg-js",
  // Proposal PDFs: loaded on the first proposal (tools/crm/proposal.ts).
  "pdfkit",
  // Tracing: only @opentelemetry/api is imported unconditionally (docs/tracing.md).
  "@opentelemetry/sdk-trace-node",
  "@opentelemetry/sdk-trace-base",
  "@opentelemetry/exporter-trace-otlp-http",
  "@opentelemetry/resources",
];

describe("SDKs load only for the integrations that are configured", () => {
  it("loads no platform, model or connector SDK in demo mode", async () => {
    const loaded = await packagesLoaded({});
    expect(loaded).toContain("@langchain/core");
    expect(loaded.filter((p) => sdks.includes(p))).toEqual([]);
  }, 60_000);

  it("loads Bolt and botbuilder once Slack and Teams are set; the OpenAI client waits for the first question, and no connector SDK loads", async () => {
    const loaded = await packagesLoaded({
      SLACK_SIGNING_SECRET: "test-signing-secret",
      SLACK_BOT_TOKEN: "xoxb-test",
      MICROSOFT_APP_ID: "00000000-0000-0000-0000-0000000000c1",
      MICROSOFT_APP_PASSWORD: "test-password",
      OPENAI_API_KEY: "sk-test",
    });
    expect(loaded).toEqual(expect.arrayContaining(["@slack/bolt", "botbuilder"]));
    // The agent, its model client and runtime are made on the first question (src/compose/app.ts).
    expect(
      loaded.filter((p) =>
        ["redis", "langchain", "@langchain/openai", "openai", "jira.js", "xero-node", "@hubspot/api-client"].includes(
          p,
        ),
      ),
    ).toEqual([]);
  }, 60_000);

  it("loads the OpenTelemetry SDK and OTLP exporter only once OTEL_EXPORTER_OTLP_ENDPOINT is set", async () => {
    const collector = await startFakeServer(() => ({ body: {} }));
    try {
      const loaded = await packagesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
      expect(loaded).toEqual(
        expect.arrayContaining([
          "@opentelemetry/api",
          "@opentelemetry/sdk-trace-node",
          "@opentelemetry/exporter-trace-otlp-http",
        ]),
      );
      expect(loaded.filter((p) => sdks.includes(p) && !p.startsWith("@opentelemetry/"))).toEqual([]);
      // Composition's own connector reads (example questions) were exported when it closed.
      expect(collector.requests.map((r) => `${r.method} ${r.path}`)).toContain("POST /v1/traces");
    } finally {
      await collector.close();
    }
  }, 60_000);
});
