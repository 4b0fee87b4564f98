import { describe, expect, it } from "vitest";
import { sampleWarnings } from "../src/core/log-sampling.ts";
import { createLogger, redact } from "../src/core/logger.ts";

function logged(fields: Record<string, unknown>, msg = "event"): string {
  const lines: string[] = [];
  createLogger({ write: (l) => lines.push(l) }).error(msg, fields);
  return lines.join("\n");
}

describe("log redaction", () => {
  it("replaces fields named like secrets or message bodies", () => {
    const out = logged({ token: "abc", headers: { Authorization: "Bearer abcdefghijkl" }, text: "payroll question" });
    expect(out).not.toMatch(/abcdefghijkl|payroll|"abc"/);
    expect(out).toMatch(/\[redacted\]/);
  });

  it("scrubs token shapes inside any string, error message or stack", () => {
    const error = new Error(
      "POST failed with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig for xoxb-1234-5678-abcd",
    );
    const out = logged({ error, url: "https://user:hunter2@api.example.com/x", note: "app token xapp-1-A0-abc" });
    expect(out).not.toMatch(/eyJhbGciOiJIUzI1NiJ9|xoxb-1234|hunter2|xapp-1-A0/);
    expect(out).toMatch(/Bearer \[redacted\]/);
    expect(out).toMatch(/https:\/\/\[redacted\]@api\.example\.com/);
  });

  it("redacts header values in Node's flat rawHeaders list", () => {
    const out = redact({ rawHeaders: ["Accept", "application/json", "Authorization", "Basic dXNlcjpwYXNz"] });
    expect(out).toEqual({ rawHeaders: ["Accept", "application/json", "Authorization", "[redacted]"] });
  });

  it("truncates very deep objects instead of writing whatever is down there", () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { auth: "Basic secretvalue123" } } } } } } } };
    const out = JSON.stringify(redact(deep));
    expect(out).toMatch(/\[truncated\]/);
    expect(out).not.toMatch(/secretvalue123/);
  });

  it("keeps ordinary values readable", () => {
    expect(redact({ status: 503, system: "Jira", attempts: 3 })).toEqual({ status: 503, system: "Jira", attempts: 3 });
  });
});

describe("token shapes in any string", () => {
  const planted: [string, string][] = [
    ["a short bearer token", "Authorization: Bearer abc"],
    ["a password in a query string", "GET https://api.example.com/login?user=a&password=hunter2&x=1"],
    ["a pwd in text", "connect with pwd=hunter2 now"],
    ["a secret in a form body", "client_id=1&client_secret=s3cr3tvalue"],
    ["a JSON password", 'body was {"password": "hunter2"}'],
    ["an OpenAI-style key", "key sk-proj-AbCdEf123456 rejected"],
    ["a live secret key", "sk-live-0123456789abcdef and sk_live_0123456789abcdef"],
    ["a Slack bot token", "xoxb-1234-5678-abcd"],
    ["a Slack user token", "xoxp-1234-5678-abcd"],
    ["a GitHub token", "ghp_0123456789abcdefghijABCDEFGHIJ012345"],
    ["an AWS access key id", "AKIAIOSFODNN7EXAMPLE"],
    ["a basic credential in a header line", "Authorization: Basic dXNlcjpodW50ZXIy"],
    ["a JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
    ["basic-auth credentials in a URL", "https://admin:hunter2@db.example.com/"],
  ];
  const secretParts =
    /abc\b|hunter2|s3cr3tvalue|AbCdEf123456|0123456789abcdef|1234-5678|0123456789abcdefghij|AKIAIOSFODNN7EXAMPLE|dozjgNryP4J3|eyJzdWIi|dXNlcjpodW50ZXIy/;

  for (const [what, text] of planted) {
    it(`scrubs ${what} from messages, fields and error messages`, () => {
      const out = logged({ note: text, error: new Error(text) }, text);
      expect(out).not.toMatch(secretParts);
      expect(out).toMatch(/\[redacted\]/);
    });
  }

  it("leaves ordinary prose with words like token, risk-adjusted and basic alone", () => {
    const text = "the risk-adjusted pipeline; basic checks passed; task-42 done";
    expect(redact(text)).toBe(text);
  });
});

describe("pino output", () => {
  it("writes one JSON line with a level name, an ISO time, base fields and the message", () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l), base: { service: "daybook" } })
      .child({ component: "test" })
      .warn("hello", { code: "timeout" });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(line).toMatchObject({ level: "warn", msg: "hello", service: "daybook", component: "test", code: "timeout" });
    expect(String(line.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("writes nothing below its level", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "warn", write: (l) => lines.push(l) });
    log.info("quiet");
    log.debug("quieter");
    expect(lines).toHaveLength(0);
  });

  it("logs an error's stack and its cause", () => {
    const lines: string[] = [];
    const cause = new TypeError("Cannot read properties of null (reading 'results')");
    createLogger({ write: (l) => lines.push(l) }).error("failed", { error: new Error("outer", { cause }) });
    const line = JSON.parse(lines[0] ?? "{}") as { error: { stack: string; cause: { name: string } } };
    expect(line.error.stack).toMatch(/outer\n\s+at /);
    expect(line.error.cause.name).toBe("TypeError");
  });
});

describe("sampled warnings", () => {
  it("writes the first few repeats of a warning, then one line with the count when the window ends", () => {
    const lines: string[] = [];
    let now = 0;
    const log = sampleWarnings(createLogger({ write: (l) => lines.push(l) }), {
      max: 3,
      windowMs: 1000,
      now: () => now,
    });
    for (let i = 0; i < 2277; i++)
      log.child({ requestId: i }).warn("unauthenticated request", { code: "unauthorized" });
    log.warn("another warning", { code: "bad_request" });
    expect(lines).toHaveLength(4);
    now = 1000;
    log.warn("unauthenticated request", { code: "unauthorized" });
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; repeated?: number });
    expect(parsed.filter((l) => l.repeated !== undefined)).toEqual([
      expect.objectContaining({ msg: "unauthenticated request", repeated: 2274 }),
    ]);
    expect(lines).toHaveLength(6);
  });

  it("writes the count even when the warning does not come back", async () => {
    const lines: string[] = [];
    const log = sampleWarnings(createLogger({ write: (l) => lines.push(l) }), { max: 1, windowMs: 20 });
    log.warn("junk", { code: "unauthorized" });
    log.warn("junk", { code: "unauthorized" });
    log.warn("junk", { code: "unauthorized" });
    await new Promise((r) => setTimeout(r, 40));
    expect(lines.map((l) => (JSON.parse(l) as { repeated?: number }).repeated)).toEqual([undefined, 2]);
  });

  it("never samples errors", () => {
    const lines: string[] = [];
    const log = sampleWarnings(createLogger({ write: (l) => lines.push(l) }), { max: 1 });
    for (let i = 0; i < 5; i++) log.error("boom", { code: "internal" });
    expect(lines).toHaveLength(5);
  });
});

describe("line layout", () => {
  it("writes the message before the line's own fields", () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l) }).info("daybook listening", { port: 3000 });
    expect(lines[0]).toMatch(/"msg":"daybook listening".*?"port":3000/);
  });
});

describe("child fields", () => {
  it("writes a field once when a line repeats a child's field, the line's value winning", () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l) })
      .child({ component: "agent", traceId: "t1" })
      .info("tool failed", { component: "tool" });
    expect(lines[0]?.match(/"component"/g)).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ component: "tool", traceId: "t1" });
  });
});
