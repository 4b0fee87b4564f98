import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { matchedRoutes } from "hono/route";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isDaybookError } from "./core/errors.ts";
import type { HttpRoute } from "./core/http.ts";
import type { Logger } from "./core/logger.ts";
import { METRICS_CONTENT_TYPE, type Metrics } from "./core/metrics.ts";
import type { Store } from "./core/store.ts";
import { inSpan, markError, SpanKind } from "./core/tracing.ts";
import { reportError } from "./core/user-facing-error.ts";
import type { InFlight } from "./in-flight.ts";

export interface ServerOptions {
  store: Store;
  logger: Logger;
  inFlight: InFlight;
  /** Platform routes from adapters (POST /slack/events, POST /api/messages). */
  routes?: HttpRoute[];
  bodyLimitBytes?: number;
  /** /readyz answers 503 when the store does not answer within this time. */
  readyTimeoutMs?: number;
  /** Counts requests and serves GET /metrics (docs/metrics.md). */
  metrics?: Metrics;
}

/** The Hono app: routes only. Composition happens in main.ts. */
export function createServer(options: ServerOptions): Hono {
  const app = new Hono();
  const limit = options.bodyLimitBytes ?? 1_048_576;
  const readyTimeoutMs = options.readyTimeoutMs ?? 2_000;

  const tooLarge = () => new HTTPException(413, { message: `request body exceeds ${limit} bytes` });
  const limiter = bodyLimit({
    maxSize: limit,
    onError: () => {
      throw tooLarge();
    },
  });
  // Hono's bodyLimit reads c.req.raw.body, which makes @hono/node-server build a web stream for
  // every request (measured: 0.68x Bolt's ack throughput). A declared Content-Length is enforced
  // by Node's HTTP parser, so checking the header is enough; chunked bodies still stream-count.
  const metrics = options.metrics;
  if (metrics) {
    const platformPaths = new Set((options.routes ?? []).map((r) => r.path));
    // Registered first, so it sees the final status of every request, errors and 404s included.
    app.use("*", async (c, next) => {
      const started = performance.now();
      await next();
      // The matched pattern, never the raw path: a label per URL would be unbounded.
      const matched = matchedRoutes(c).filter((r) => r.path !== "/*" && r.path !== "*");
      const route = matched.at(-1)?.path ?? "unmatched";
      const status = String(c.res.status);
      metrics.httpRequests.inc({ method: c.req.method, route, status });
      if (platformPaths.has(route)) {
        metrics.ackSeconds.observe({ route, status }, (performance.now() - started) / 1000);
      }
    });
  }

  app.use("*", async (c, next) => {
    const declared = c.req.header("content-length");
    if (declared !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (Number(declared) > limit) throw tooLarge();
      return next();
    }
    return limiter(c, next);
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));

  app.get("/readyz", async (c) => {
    try {
      // A store that does not answer in time is as unready as one that refuses.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("store ping timed out")), readyTimeoutMs);
      });
      await Promise.race([options.store.ping(), deadline]).finally(() => clearTimeout(timer));
      return c.json({ status: "ready" });
    } catch {
      return c.json({ status: "unavailable", error: { code: "store_unavailable", message: "store unreachable" } }, 503);
    }
  });

  if (metrics) {
    app.get("/metrics", async (c) => c.body(await metrics.scrape(), 200, { "content-type": METRICS_CONTENT_TYPE }));
  }

  for (const route of options.routes ?? []) {
    // A platform request starts its trace (docs/tracing.md). An inbound `traceparent` is not
    // continued: anyone can send one, and the trace id is what a person quotes to support.
    const handler = (c: { req: { raw: Request } }) =>
      inSpan(
        `${route.method} ${route.path}`,
        { kind: SpanKind.SERVER, attributes: { "http.request.method": route.method, "http.route": route.path } },
        async (span) => {
          const res = await route.handle(c.req.raw, { waitUntil: (work) => options.inFlight.track(work) });
          span.setAttribute("http.response.status_code", res.status);
          if (res.status >= 500) markError(span, String(res.status));
          return res;
        },
      );
    if (route.method === "GET") app.get(route.path, handler);
    else app.post(route.path, handler);
  }

  // A known path asked with another method is a 405 naming the allowed one (RFC 9110 §15.5.6).
  const methods = new Map<string, string[]>([
    ["/healthz", ["GET"]],
    ["/readyz", ["GET"]],
    ...(metrics ? [["/metrics", ["GET"]] as [string, string[]]] : []),
  ]);
  for (const route of options.routes ?? []) methods.set(route.path, [...(methods.get(route.path) ?? []), route.method]);
  for (const [path, allowed] of methods) {
    app.all(path, (c) => {
      c.header("allow", allowed.join(", "));
      return c.json({ error: { code: "method_not_allowed", message: `use ${allowed.join(" or ")}` } }, 405);
    });
  }

  app.notFound((c) => c.json({ error: { code: "not_found", message: "no such route" } }, 404));

  // One error shape for every route: {"error":{"code","message"}}; never a stack trace.
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const code = error.status === 413 ? "payload_too_large" : error.status === 401 ? "unauthorized" : "bad_request";
      return c.json({ error: { code, message: error.message } }, error.status);
    }
    if (isDaybookError(error)) {
      if (error.status >= 500) reportError(options.logger, error, { msg: "request failed", component: "http" });
      return c.json({ error: { code: error.code, message: error.userMessage } }, error.status as ContentfulStatusCode);
    }
    // The client went away while its body was read: nothing to answer and nothing wrong here.
    if (c.req.raw.signal.aborted) {
      options.logger.debug("client closed the request before it was answered", { reason: "client_abort" });
      return c.body(null, 499 as ContentfulStatusCode);
    }
    reportError(options.logger, error, { msg: "unhandled request error", component: "http" });
    return c.json({ error: { code: "internal", message: "internal error" } }, 500);
  });

  return app;
}
