import { describe, expect, it } from "vitest";
import { runMain, startMain } from "./support/process.ts";
import { redisSkipReason, redisUrl } from "./support/redis.ts";

describe("daybook as a process", () => {
  it("exits non-zero at start-up with a message naming a bad variable", async () => {
    const result = await runMain([], { env: { PORT: "eighty" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PORT: .*Fix: set PORT/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("starts with embedded defaults, answers /healthz and /readyz, and stops cleanly on SIGTERM", async () => {
    const { child, match } = await startMain([], { PORT: "0" }, /"msg":"daybook listening".*?"port":(\d+)/);
    const base = `http://127.0.0.1:${match[1]}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("serves no unauthenticated Teams or Slack endpoint when neither is configured", async () => {
    const { child, match } = await startMain([], { PORT: "0" }, /"msg":"daybook listening".*?"port":(\d+)/);
    const base = `http://127.0.0.1:${match[1]}`;
    const forged = {
      type: "message",
      channelId: "msteams",
      serviceUrl: "http://127.0.0.1:9/evil",
      from: { id: "29:demo-alex", aadObjectId: "demo-alex" },
      conversation: { id: "a:1" },
      recipient: { id: "28:bot" },
      text: "what's left for the November close?",
    };
    const teams = await fetch(`${base}/api/messages`, { method: "POST", body: JSON.stringify(forged) });
    expect(teams.status).toBe(503);
    expect(await teams.json()).toMatchObject({ error: { code: "not_configured" } });
    const slack = await fetch(`${base}/slack/events`, { method: "POST", body: "{}" });
    expect(slack.status).toBe(503);
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it.skipIf(redisSkipReason)("reports ready against a real Redis when REDIS_URL is set", async () => {
    const { child, match } = await startMain(
      [],
      { PORT: "0", REDIS_URL: redisUrl as string },
      /"msg":"daybook listening".*?"port":(\d+)/,
    );
    const res = await fetch(`http://127.0.0.1:${match[1]}/readyz`);
    expect(await res.json()).toEqual({ status: "ready" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("holds a scripted console conversation from piped stdin and exits at end of input", async () => {
    const result = await runMain(["chat"], { input: "help\nwhat is blocking the sprint?\n" });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/what's blocking the sprint\?/);
    expect(result.stdout.trim().length).toBeGreaterThan(0);
  });

  it("refuses an unknown --as identity and lists the known ones", async () => {
    const result = await runMain(["chat", "--as", "mallory"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--as mallory: no such user.*Known users: alex, maria/);
  });
});
