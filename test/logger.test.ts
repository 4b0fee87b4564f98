import { describe, expect, it } from "vitest";
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
