import { z } from "zod";
import type { ModelPrice } from "../core/metrics.ts";

/**
 * Traces and model cost settings (docs/tracing.md, docs/metrics.md), merged into envSchema.
 * The OTEL_* names are OpenTelemetry's own
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/), so an operator's existing
 * collector settings work unchanged.
 */

/**
 * USD per million tokens (what `daybook_model_cost_usd_total` multiplies tokens by): OpenAI's list prices (https://openai.com/api/pricing, standard tier, as
 * of 2025-04). A model missing here and in MODEL_PRICES has its tokens counted but no cost.
 */
export const defaultModelPrices: Readonly<Record<string, ModelPrice>> = {
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
};

const optionalTrimmed = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const price = z.number().nonnegative().finite();

const modelPrices = optionalTrimmed
  .transform((v, ctx) => {
    if (v === undefined) return { ...defaultModelPrices };
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), z.strictObject({ input: price, output: price })))
  .transform((table) => ({ ...defaultModelPrices, ...table }));

export const telemetryEnvShape = {
  /**
   * Base URL of an OTLP/HTTP collector (e.g. http://otel-collector:4318): set, traces are exported
   * to `<url>/v1/traces`; unset, the OpenTelemetry SDK is not even loaded.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalTrimmed.pipe(
    z.url({ protocol: /^https?$/, message: "must be an http(s) URL such as http://otel-collector:4318" }).optional(),
  ),
  /** `key=value` pairs separated by commas, sent with each export (a vendor's API key). */
  OTEL_EXPORTER_OTLP_HEADERS: optionalTrimmed.pipe(
    z
      .string()
      .regex(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/, {
        message: "must be key=value pairs separated by commas",
      })
      .optional(),
  ),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default("daybook"),
  /**
   * JSON, USD per million tokens, merged over defaultModelPrices:
   * {"my-model":{"input":0.5,"output":1.5}}.
   */
  MODEL_PRICES: modelPrices,
};

export const telemetryEnvHints = {
  OTEL_EXPORTER_OTLP_ENDPOINT:
    "set OTEL_EXPORTER_OTLP_ENDPOINT to your collector's OTLP/HTTP base URL, e.g. http://otel-collector:4318, or unset it to turn tracing off",
  OTEL_EXPORTER_OTLP_HEADERS:
    "write OTEL_EXPORTER_OTLP_HEADERS as key=value pairs separated by commas, e.g. x-api-key=abc",
  MODEL_PRICES:
    'write MODEL_PRICES as JSON with USD per million tokens, e.g. {"gpt-4.1-mini":{"input":0.4,"output":1.6}}, or unset it for the built-in table',
} as const;

/** OTEL_EXPORTER_OTLP_HEADERS as a header record (values may be percent-encoded, per the spec). */
export function otlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}
