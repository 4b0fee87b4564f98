import { describe, expect, it } from "vitest";
import { logViolations, replyViolations } from "./support/output-scan.ts";

const rules = (found: { rule: string }[]) => found.map((v) => v.rule);

describe("the suite's reply scan", () => {
  it("finds a LangChain tool error with its stack in a reply", () => {
    const leaked =
      "Error invoking tool 'crm_deal_detail' with kwargs {} with error: Error: Received tool input did not match expected schema\n" +
      "    at DynamicStructuredTool.call (file:///work/main/node_modules/@langchain/core/dist/tools/index.js:113:10)";
    expect(rules(replyViolations(leaked))).toEqual(
      expect.arrayContaining([
        "stack frame",
        "indented stack line",
        "file URL",
        "node_modules path",
        "LangChain error text",
      ]),
    );
  });

  it("finds library error names, source positions and error prefixes", () => {
    expect(rules(replyViolations("failed: AxiosError at client.ts:12"))).toEqual(
      expect.arrayContaining(["library error class", "source position"]),
    );
    expect(rules(replyViolations("TypeError: Cannot read properties of null"))).toEqual(["JavaScript error prefix"]);
    expect(rules(replyViolations("ZodError: invalid"))).toContain("library error class");
  });

  it("passes ordinary replies, links and error sentences", () => {
    for (const text of [
      "Something went wrong on daybook's side.",
      "[ENG-145](https://example.atlassian.net/browse/ENG-145) is blocked: waiting at the gate",
      "2 customers are at high churn risk ($20,000 ARR), at least one renews at 09:00.",
      "That lookup (crm_deal_detail) needs different arguments: give dealId or name.",
    ]) {
      expect(replyViolations(text)).toEqual([]);
    }
  });
});

describe("the suite's log scan", () => {
  it("finds credentials and chat text that got past the logger", () => {
    const planted = [
      ['{"msg":"call","auth":"Bearer x"}', "bearer credential"],
      ['{"url":"https://a.example/?password=hunter2"}', "password or secret pair"],
      ['{"key":"sk-live-0123456789abcdef"}', "API secret key"],
      ['{"t":"xoxb-1-2-abc"}', "Slack token"],
      ['{"t":"ghp_0123456789abcdefghij"}', "GitHub token"],
      ['{"t":"AKIAIOSFODNN7EXAMPLE"}', "AWS access key id"],
      ['{"t":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"}', "JWT"],
      ['{"u":"https://admin:hunter2@db.example.com"}', "credentials in a URL"],
      ['{"q":"Which deals need me today?"}', "message text"],
    ];
    for (const [line, rule] of planted) expect(rules(logViolations(line as string))).toContain(rule);
  });

  it("passes what the logger writes after redaction", () => {
    for (const line of [
      '{"level":"warn","headers":{"authorization":"[redacted]"},"msg":"Bearer [redacted] refused"}',
      '{"url":"https://a.example/?password=[redacted]&x=1","password":"[redacted]"}',
      '{"u":"https://[redacted]@db.example.com","code":"unauthorized"}',
    ]) {
      expect(logViolations(line)).toEqual([]);
    }
  });
});
