import { describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import { LogGate } from "../src/core/log-gate.ts";
import { createLogger } from "../src/core/logger.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe("LogGate", () => {
  it("writes one line per reason per minute and says how many it held back on the next one", () => {
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const gate = new LogGate({ clock });
    const { lines, logger } = capture();
    for (let i = 0; i < 1_000; i++) gate.write(logger, "warn", "rejected a Slack request", "bad_signature");
    for (let i = 0; i < 10; i++) gate.write(logger, "warn", "rejected a Slack request", "stale_timestamp");
    expect(lines.map((l) => [l.reason, l.suppressed])).toEqual([
      ["bad_signature", undefined],
      ["stale_timestamp", undefined],
    ]);
    clock.advance(60_000);
    gate.write(logger, "warn", "rejected a Slack request", "bad_signature");
    expect(lines.at(-1)).toMatchObject({ level: "warn", reason: "bad_signature", suppressed: 999 });
  });

  it("remembers a bounded number of reasons", () => {
    const gate = new LogGate({ maxReasons: 2, clock: fixedClock(0) });
    const { lines, logger } = capture();
    for (const reason of ["a", "b", "c", "a"]) gate.write(logger, "info", "m", reason);
    // "a" was forgotten when "c" arrived, so it is written again.
    expect(lines.map((l) => l.reason)).toEqual(["a", "b", "c", "a"]);
  });
});
