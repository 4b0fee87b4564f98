import { connect } from "node:net";
import { serve } from "@hono/node-server";
import { describe, expect, it, vi } from "vitest";
import { createLogger, type Logger, silentLogger } from "../src/core/logger.ts";
import { InFlight } from "../src/in-flight.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";

function app(options: { store?: MemoryStore; bodyLimitBytes?: number; logger?: Logger } = {}) {
  const inFlight = new InFlight();
  const store = options.store ?? new MemoryStore();
  let handled = 0;
  const server = createServer({
    store,
    logger: options.logger ?? silentLogger,
    inFlight,
    bodyLimitBytes: options.bodyLimitBytes ?? 1024,
    routes: [
      {
        method: "POST",
        path: "/echo",
        handle: async (request, context) => {
          const body = await request.text();
          context.waitUntil(
            new Promise<void>((resolve) =>
              setTimeout(() => {
                handled++;
                resolve();
              }, 50),
            ),
          );
          return new Response(JSON.stringify({ length: body.length }), {
            headers: { "content-type": "application/json" },
          });
        },
      },
    ],
  });
  return { server, inFlight, store, handled: () => handled };
}

describe("HTTP server", () => {
  it("answers /healthz while the process is up", async () => {
    const res = await app().server.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz with 200 when the store is reachable and 503 when it is not", async () => {
    const store = new MemoryStore();
    const { server } = app({ store });
    expect((await server.request("/readyz")).status).toBe(200);
    await store.close();
    const res = await server.request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "store_unavailable" } });
  });

  it("refuses an oversize body with 413 and a JSON error, without running the handler", async () => {
    const { server, inFlight } = app({ bodyLimitBytes: 1024 });
    const res = await server.request("/echo", { method: "POST", body: "x".repeat(5000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
    expect(inFlight.size).toBe(0);
  });

  it("refuses an oversize body by its declared Content-Length and by counting a chunked body", async () => {
    const { server, inFlight } = app({ bodyLimitBytes: 1024 });
    const declared = await server.request("/echo", {
      method: "POST",
      headers: { "content-length": "5000" },
      body: "x".repeat(5000),
    });
    expect(declared.status).toBe(413);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode("y".repeat(1000)));
        controller.close();
      },
    });
    const streamed = await server.request("/echo", {
      method: "POST",
      headers: { "transfer-encoding": "chunked" },
      body: chunked,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(inFlight.size).toBe(0);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await app().server.request("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "no such route" } });
  });

  it("answers a known path asked with another method with 405 and the allowed method", async () => {
    const { server } = app();
    for (const [method, path, allowed] of [
      ["POST", "/healthz", "GET"],
      ["DELETE", "/readyz", "GET"],
      ["GET", "/echo", "POST"],
      ["PUT", "/echo", "POST"],
    ] as const) {
      const res = await server.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe(allowed);
      expect(await res.json()).toMatchObject({ error: { code: "method_not_allowed" } });
    }
  });

  it("logs a client that hangs up in the middle of its body at debug, not as an unhandled error", async () => {
    const lines: { level: string; msg: string }[] = [];
    const logger = createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line)) });
    const { server: http } = app({ logger, bodyLimitBytes: 1_000_000 });
    const server = serve({ fetch: http.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write("POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5000\r\n\r\nhalf a bo");
        setTimeout(() => socket.destroy(), 20);
      });
      socket.on("close", () => resolve());
    });
    await vi.waitFor(() =>
      expect(lines.map((l) => l.msg)).toContain("client closed the request before it was answered"),
    );
    expect(lines.filter((l) => l.level === "error" || l.level === "warn")).toEqual([]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("acknowledges first and lets work continue, which shutdown can wait for", async () => {
    const { server, inFlight, handled } = app();
    const res = await server.request("/echo", { method: "POST", body: "hello" });
    expect(res.status).toBe(200);
    expect(handled()).toBe(0);
    expect(inFlight.size).toBe(1);
    expect(await inFlight.drain(2_000)).toBe(true);
    expect(handled()).toBe(1);
  });

  it("gives up draining at the deadline instead of hanging shutdown", async () => {
    const inFlight = new InFlight();
    inFlight.track(new Promise(() => {}));
    expect(await inFlight.drain(30)).toBe(false);
  });
});
