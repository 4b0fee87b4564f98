import { describe, expect, it } from "vitest";
import { parseThread, serializeThread, type ThreadRef } from "../src/core/thread.ts";

describe("thread identity", () => {
  it("round-trips a Slack thread", () => {
    const ref: ThreadRef = { platform: "slack", workspace: "T01", channel: "C02", thread: "1700000000.000100" };
    expect(serializeThread(ref)).toBe("slack:T01:C02:1700000000.000100");
    expect(parseThread(serializeThread(ref))).toEqual(ref);
  });

  it("round-trips a Teams channel reply chain whose id contains colons and semicolons", () => {
    const ref: ThreadRef = {
      platform: "teams",
      workspace: "tenant-1",
      channel: "19:abc@thread.tacv2;messageid=1700000000000",
      thread: "1700000000000",
    };
    expect(parseThread(serializeThread(ref))).toEqual(ref);
    expect(serializeThread(ref).split(":")).toHaveLength(4);
  });

  it("round-trips a channel top level (no thread)", () => {
    const ref: ThreadRef = { platform: "console", workspace: "local", channel: "finance", thread: "" };
    expect(parseThread(serializeThread(ref))).toEqual(ref);
  });

  it("rejects malformed ids with a clear error", () => {
    expect(() => parseThread("slack:T01")).toThrow(/4 parts/);
    expect(() => parseThread("irc:a:b:c")).toThrow(/unknown platform/);
    expect(() => parseThread("slack::C1:")).toThrow(/workspace and a channel/);
  });
});
