import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
    // help suggests the organisation's own customer most at risk (the demo's, here).
    expect(result.stdout).toMatch(/why is BrightTech at risk\?/);
    expect(result.stdout.trim().length).toBeGreaterThan(0);
  });

  it("refuses an unknown --as identity and lists the known ones", async () => {
    const result = await runMain(["chat", "--as", "mallory"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--as mallory: no such user.*Known users: alex, maria/);
  });
});

describe("daybook start-up with a configuration that cannot work", () => {
  const orgFile = (yaml: string) => {
    const path = join(mkdtempSync(join(tmpdir(), "daybook-config-")), "org.yaml");
    writeFileSync(path, yaml);
    return path;
  };

  it("says which port is busy and what to do, in one line with no stack, and exits 2", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "0.0.0.0", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const result = await runMain([], { env: { PORT: String(port), LOG_LEVEL: "error" } });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        `daybook: port ${port} is already in use (another daybook or program is listening). Stop it or set PORT=${port + 1}.`,
      );
    } finally {
      blocker.close();
    }
  });

  it("lists every mistake in the org config file by field path and exits 2 before starting anything", async () => {
    const path = orgFile(
      [
        "timezone: Europe/Londn",
        "users:",
        "  - { id: kim, name: Kim Lee, roles: [financ] }",
        "digests:",
        "  close: { cron: '0 18 * * *', channels: [finanse] }",
        "consoleUser: alex",
      ].join("\n"),
    );
    const result = await runMain([], { env: { PORT: "0", DAYBOOK_CONFIG: path } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\(4 problems\)/);
    for (const field of ["timezone", "users[0].roles[0]", "digests.close.channels[0]", "consoleUser"]) {
      expect(result.stderr).toContain(`\n  ${field}: `);
    }
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toMatch(/daybook listening/);
  });

  it("refuses a console chat in a config with no users, saying how to add one", async () => {
    const result = await runMain(["chat"], { env: { DAYBOOK_CONFIG: orgFile("organisation: Empty Ltd\n") } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /configures no users, so the console has nobody to speak as\. Fix: add a person under users:/,
    );
  });
});

describe("daybook.example.yaml as it ships", () => {
  it("starts the server with every digest of the example config scheduled in its time zone", async () => {
    const { child, match, output } = await startMain(
      [],
      { PORT: "0", DAYBOOK_CONFIG: "daybook.example.yaml" },
      /"msg":"daybook listening".*?"port":(\d+)/,
    );
    expect((await fetch(`http://127.0.0.1:${match[1]}/readyz`)).status).toBe(200);
    const scheduled = [...output().matchAll(/"msg":"digest scheduled".*?"digest":"(\w+)".*?"timezone":"([^"]+)"/g)];
    expect(scheduled.map((m) => `${m[1]} ${m[2]}`)).toEqual([
      "standup Europe/London",
      "sales America/New_York",
      "churn Europe/London",
      "close Europe/London",
      "weekly Europe/London",
      "qbr Europe/London",
    ]);
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("holds a console chat as its consoleUser, an admin who may read the CRM", async () => {
    const result = await runMain(["chat"], {
      env: { DAYBOOK_CONFIG: "daybook.example.yaml" },
      input: "which customers are at risk of churning?\n",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/churn risk/);
    expect(result.stdout).not.toMatch(/your roles don't include/);
  });
});
