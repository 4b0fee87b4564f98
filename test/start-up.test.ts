/**
 * Issue 15, fast start: the server listens before the app is composed (src/compose/starting.ts,
 * src/main.ts). Liveness answers at once, readiness waits for the app, and nothing that arrives
 * meanwhile is refused or lost.
 */
import { describe, expect, it } from "vitest";
import { type Fetch, whileComposing } from "../src/compose/starting.ts";
import { startMain } from "./support/process.ts";

const get = (path: string) => new Request(`http://127.0.0.1${path}`);

describe("the server while the app is composing", () => {
  it("answers /healthz with 200 and /readyz with 503 'starting' before the app is composed", async () => {
    const fetch = whileComposing(new Promise<Fetch>(() => {}));
    const health = await fetch(get("/healthz"));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(get("/readyz"));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "starting", error: { code: "starting" } });
  });

  it("holds a platform request until the app is composed, then the app answers it", async () => {
    let compose: (fetch: Fetch) => void = () => {};
    const composed = new Promise<Fetch>((resolve) => {
      compose = resolve;
    });
    const seen: string[] = [];
    const answer = whileComposing(composed)(
      new Request("http://127.0.0.1/slack/events", { method: "POST", body: '{"type":"url_verification"}' }),
    );
    let settled = false;
    void Promise.resolve(answer).then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    compose(async (request) => {
      seen.push(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`);
      return Response.json({ ok: true });
    });
    const res = await answer;
    expect(res.status).toBe(200);
    expect(seen).toEqual(['POST /slack/events {"type":"url_verification"}']);
  });

  it("answers 503 to what it held when composing fails (the process then exits)", async () => {
    const fetch = whileComposing(Promise.reject(new Error("redis down")));
    const res = await fetch(new Request("http://127.0.0.1/api/messages", { method: "POST", body: "{}" }));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "internal" } });
  });
});

describe("daybook start-up as a process", () => {
  it("is ready, and answers as composed, once it says it is listening", async () => {
    const { child, match } = await startMain([], { PORT: "0" }, /"msg":"daybook listening".*?"port":(\d+)/);
    const base = `http://127.0.0.1:${match[1]}`;
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: "ready" });
    // The composed routes, not the start-up stand-in: an unknown path is the app's own 404.
    const missing = await fetch(`${base}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

describe("the agent, made on the first question", () => {
  it("names the model as the model factory does, without loading the agent, on the demo and with a key", async () => {
    const { createChatModel } = await import("../chains/agent/model-factory.ts");
    const { loadConfig } = await import("../src/config/load.ts");
    const { compose } = await import("../src/compose/app.ts");
    const { silentLogger } = await import("../src/core/logger.ts");
    for (const env of [{}, { OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "gpt-4.1" }]) {
      const config = loadConfig(env);
      const app = await compose(config, { logger: silentLogger });
      const model = await createChatModel({
        ...(config.env.OPENAI_API_KEY ? { openaiApiKey: config.env.OPENAI_API_KEY } : {}),
        openaiModel: config.env.OPENAI_MODEL,
      });
      expect(app.modelLabel).toBe(model.label);
      await app.close();
    }
  });
});
