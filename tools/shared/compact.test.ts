import { describe, expect, it } from "vitest";
import { DaybookError } from "../../src/core/errors.ts";
import { createLogger } from "../../src/core/logger.ts";
import { withErrorScope } from "../../src/core/user-facing-error.ts";
import { compactJson, EntityLabels, RESULT_BUDGET_CHARS, runTool } from "./compact.ts";

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `row-${i}`, name: `Row number ${i}`, amount: i * 10.5 }));

describe("compactJson", () => {
  it("returns small results unchanged apart from dropping empty fields", () => {
    expect(compactJson({ a: 1, b: undefined, c: null, list: [{ x: 1, tags: [] }] })).toBe('{"a":1,"list":[{"x":1}]}');
  });

  it("cuts the longest list to fit and says how many more there are", () => {
    const out = compactJson({ title: "report", items: rows(80), small: rows(2) }, 2000);
    expect(out.length).toBeLessThanOrEqual(2000);
    const parsed = JSON.parse(out);
    const marker = parsed.items.at(-1);
    expect(marker).toEqual({ more: expect.any(Number) });
    expect(parsed.items.length - 1 + marker.more).toBe(80);
    expect(parsed.small).toHaveLength(2);
  });

  it("caps a million-row list without serialising all of it", () => {
    const huge = Array.from({ length: 1_000_000 }, (_, i) => i);
    const started = performance.now();
    const parsed = JSON.parse(compactJson({ huge }));
    expect(parsed.huge.at(-1).more).toBe(1_000_000 - (parsed.huge.length - 1));
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("shortens long strings before dropping rows", () => {
    const text = "x".repeat(RESULT_BUDGET_CHARS * 2);
    const out = JSON.parse(compactJson({ description: text }));
    expect(out.description.length).toBeLessThanOrEqual(280);
    expect(out.description.endsWith("…")).toBe(true);
  });

  it("never exceeds the budget, even when nothing can be cut", () => {
    const wide = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`field_${i}`, `value ${i}`]));
    const out = compactJson(wide, 500);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(JSON.parse(out).error).toMatch(/too large/);
  });
});

describe("runTool", () => {
  it("turns a DaybookError into its user message and code only", async () => {
    const out = await runTool(async () => {
      throw new DaybookError("rate_limited", "429 from api.hubapi.com token=abc");
    });
    expect(JSON.parse(out)).toEqual({
      error: "The service is busy right now; please try again in a minute.",
      code: "rate_limited",
    });
  });

  function scoped<T>(fn: () => Promise<T>): Promise<{ out: T; lines: Record<string, unknown>[] }> {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ level: "debug", write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
    return withErrorScope({ log, traceId: "trace-1" }, fn).then((out) => ({ out, lines }));
  }

  it("hides an unexpected error's message and stack from the model", async () => {
    const { out } = await scoped(() =>
      runTool(async () => {
        throw new TypeError("cannot read properties of undefined (reading 'secret')");
      }),
    );
    expect(out).not.toMatch(/secret|TypeError|at /);
    expect(JSON.parse(out).code).toBe("internal");
  });

  it("logs an unexpected error once, at error, with its stack and the turn's trace id", async () => {
    const { lines } = await scoped(() =>
      runTool(async () => {
        const body = null as unknown as { results: unknown[] };
        return body.results;
      }),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", msg: "tool failed", traceId: "trace-1", component: "tool" });
    expect((lines[0]?.error as { stack: string } | undefined)?.stack).toMatch(
      /TypeError: Cannot read properties of null[\s\S]*\n\s+at /,
    );
  });

  it("logs an expected failure below error and without its message", async () => {
    const { lines } = await scoped(() =>
      runTool(async () => {
        throw new DaybookError("not_found", "deal 99999 not found");
      }),
    );
    expect(lines.map((l) => l.level)).toEqual(["info"]);
    expect(JSON.stringify(lines)).not.toMatch(/99999/);
  });
});

describe("EntityLabels", () => {
  it("remembers names by kind and id and forgets the oldest past its size", () => {
    const labels = new EntityLabels(2);
    labels.remember("company", "1", "One");
    labels.remember("deal", "1", "Deal one");
    labels.remember("company", "2", "Two");
    expect(labels.get("company", "1")).toBeUndefined();
    expect(labels.get("deal", "1")).toBe("Deal one");
    expect(labels.get("company", "2")).toBe("Two");
  });
});
