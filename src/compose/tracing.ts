import type { Env } from "../config/env.ts";
import { otlpHeaders } from "../config/telemetry.ts";
import type { Logger } from "../core/logger.ts";

/** What composition keeps of a started SDK: flushing spans before the process exits. */
export interface Tracing {
  /** Exports the spans still batched (called at close; the provider stays for the process). */
  flush(): Promise<void>;
}

let started: Promise<Tracing> | undefined;
/** How long close waits for the last spans to reach the collector. */
const flushTimeoutMs = 2_000;

/**
 * Starts the OpenTelemetry SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/tracing.md): a
 * Node tracer provider (AsyncLocalStorage context, W3C Trace Context propagation) batching spans
 * to an OTLP/HTTP exporter. The SDK is imported here, at composition, and never when tracing is
 * off (test/lazy-sdks.test.ts). A process registers one global provider: a second composition
 * (tests, `digest --post`) shares the first one's.
 */
export function startTracing(env: Env, logger: Logger): Promise<Tracing> | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  started ??= (async () => {
    const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] =
      await Promise.all([
        import("@opentelemetry/sdk-trace-node"),
        import("@opentelemetry/sdk-trace-base"),
        import("@opentelemetry/exporter-trace-otlp-http"),
        import("@opentelemetry/resources"),
      ]);
    // OTLP/HTTP's signal path (https://opentelemetry.io/docs/specs/otel/protocol/exporter/#endpoint-urls-for-otlphttp).
    const url = `${endpoint.replace(/\/+$/, "")}/v1/traces`;
    const exporter = new OTLPTraceExporter({ url, headers: otlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS) });
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    provider.register();
    // The endpoint only: OTEL_EXPORTER_OTLP_HEADERS usually holds an API key.
    logger.info("tracing on", { endpoint: url, service: env.OTEL_SERVICE_NAME });
    return {
      // Bounded: a collector that does not answer must not eat the shutdown grace period.
      flush: () => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, flushTimeoutMs).unref();
        });
        return Promise.race([provider.forceFlush(), deadline]).finally(() => clearTimeout(timer));
      },
    };
  })();
  return started;
}
