/**
 * Issue 15, item 3: with OTEL_EXPORTER_OTLP_ENDPOINT set, composition starts the SDK and spans
 * reach an OTLP/HTTP collector (here a local one) at `<endpoint>/v1/traces`, with the service
 * name and the configured headers. (test/lazy-sdks.test.ts checks the SDK is not loaded when unset.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracing } from "../src/compose/tracing.ts";
import { loadConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/core/logger.ts";
import { inSpan } from "../src/core/tracing.ts";
import { newTraceId } from "../src/core/user-facing-error.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";

describe("tracing through the OTLP exporter", () => {
  let collector: Awaited<ReturnType<typeof startFakeServer>>;
  beforeAll(async () => {
    collector = await startFakeServer(() => ({ body: {} }));
  });
  afterAll(async () => {
    await collector?.close();
  });

  it("exports the spans of a traced call to <endpoint>/v1/traces under the service name, with the headers", async () => {
    const { env } = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/`,
      OTEL_EXPORTER_OTLP_HEADERS: "x-collector-key=k%20v,other=2",
      OTEL_SERVICE_NAME: "daybook-test",
    });
    const tracing = await startTracing(env, silentLogger);
    expect(tracing).toBeDefined();
    // A second composition in the same process shares the first one's provider.
    expect(await startTracing(env, silentLogger)).toBe(tracing);

    const traceId = await inSpan("probe turn", {}, async () => {
      await inSpan("probe tool", {}, async () => {});
      return newTraceId();
    });
    await tracing?.flush();

    const exports = collector.requests.filter((r: RecordedRequest) => r.method === "POST");
    expect(exports.map((r) => r.path)).toContain("/v1/traces");
    const sent = exports.find((r) => r.path === "/v1/traces") as RecordedRequest;
    expect(sent.headers["x-collector-key"]).toBe("k v");
    const body = sent.body;
    expect(body).toContain("probe turn");
    expect(body).toContain("probe tool");
    expect(body).toContain("daybook-test");
    // The id a person would be shown is the exported trace's id.
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(body.toLowerCase()).toContain(traceId);
  });

  it("refuses an endpoint that is not an http(s) URL, naming the variable and the fix", () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "otel-collector:4318" })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT[\s\S]*http:\/\/otel-collector:4318/,
    );
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: "no-equals-sign" })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
  });
});
