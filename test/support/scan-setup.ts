/**
 * vitest setupFiles: every reply the suite renders and every log line any logger writes is
 * scanned (output-scan.ts); a test file that produced a stack trace, file path or library
 * error name in a reply, or a secret or message text in a log line, fails in its afterAll.
 *
 * Replies are tapped where they become what a person reads: the text card builder and
 * `cardToText`, the Block Kit and Adaptive Card renderers, Slack mrkdwn for notices, and the
 * fake platform servers' request bodies (test/support/http.ts). Logs are tapped through the
 * logger's test seam (src/core/logger.ts), which hands over every line at every level, so
 * loggers created silent are scanned too. Set DAYBOOK_SCAN=off to skip.
 */
import { afterAll, vi } from "vitest";
import { logViolations, replyViolations, stringsIn, type Violation } from "./output-scan.ts";

interface ScanState {
  replies: number;
  logLines: number;
  /** Time spent scanning (DAYBOOK_SCAN_STATS=1 prints it per file). */
  ms: number;
  violations: Violation[];
}

const stateKey = Symbol.for("daybook.output-scan");
const enabled = process.env.DAYBOOK_SCAN !== "off";

const state: ScanState = { replies: 0, logLines: 0, ms: 0, violations: [] };
(globalThis as Record<symbol, unknown>)[stateKey] = state;

const maxKept = 20;
function keep(found: Violation[]): void {
  if (found.length > 0 && state.violations.length < maxKept) state.violations.push(...found);
}

/** Scans one reply (a string, or a rendered card's object). Exported through globalThis for http.ts. */
function scanReply(value: unknown): void {
  if (!enabled) return;
  const t0 = performance.now();
  state.replies += 1;
  for (const text of stringsIn(value)) keep(replyViolations(text));
  state.ms += performance.now() - t0;
}
(globalThis as Record<symbol, unknown>)[Symbol.for("daybook.reply-tap")] = scanReply;

if (enabled) {
  // Must be set before any logger exists: src/core/logger.ts reads it when a logger is made.
  (globalThis as Record<symbol, unknown>)[Symbol.for("daybook.log-tap")] = (line: string) => {
    const t0 = performance.now();
    state.logLines += 1;
    keep(logViolations(line));
    state.ms += performance.now() - t0;
  };
}

type Fn = (...args: never[]) => unknown;
/** The module with `names` wrapped so each call's result (and, with `args`, its arguments) is scanned. */
function tapped<M extends Record<string, unknown>>(original: M, names: string[], args = false): M {
  const out: Record<string, unknown> = { ...original };
  for (const name of names) {
    const fn = original[name] as Fn | undefined;
    if (typeof fn !== "function") continue;
    out[name] = (...a: never[]) => {
      if (args) scanReply(a);
      const result = fn(...a);
      scanReply(result);
      return result;
    };
  }
  return out as M;
}

vi.mock("../../src/core/card.ts", async (importOriginal) =>
  tapped(await importOriginal<Record<string, unknown>>(), ["textCard", "cardToText", "fallbackText"]),
);
vi.mock("../../adapters/slack/format/block-kit.ts", async (importOriginal) =>
  tapped(await importOriginal<Record<string, unknown>>(), ["renderCard"]),
);
vi.mock("../../adapters/slack/format/markdown.ts", async (importOriginal) =>
  tapped(await importOriginal<Record<string, unknown>>(), ["toMrkdwn"]),
);
vi.mock("../../adapters/teams/format/adaptive-card.ts", async (importOriginal) =>
  tapped(await importOriginal<Record<string, unknown>>(), ["renderAdaptiveCard", "withNotice"]),
);

/** A responder whose replies are scanned before they reach the test's fake. */
function scannedResponder<R extends object>(responder: R): R {
  return new Proxy(responder, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      if (prop === "reply" || prop === "replyPrivately" || prop === "notify") {
        return (...a: unknown[]) => {
          scanReply(a);
          return (value as (...x: unknown[]) => unknown).apply(target, a);
        };
      }
      return (value as (...x: unknown[]) => unknown).bind(target);
    },
  });
}

// Conversational turns and clicks: what the bot hands its responder, and what a click answers.
vi.mock("../../src/bot/bot.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/bot/bot.ts")>();
  class Bot extends original.Bot {
    constructor(...args: ConstructorParameters<typeof original.Bot>) {
      super(...args);
      const handle = this.handle;
      Object.defineProperty(this, "handle", {
        value: (message: Parameters<typeof handle>[0], responder: Parameters<typeof handle>[1]) =>
          handle(message, scannedResponder(responder)),
      });
    }
  }
  return { ...original, Bot };
});
vi.mock("../../src/bot/clicks.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/bot/clicks.ts")>();
  return {
    ...original,
    createClickRouter: (options: Parameters<typeof original.createClickRouter>[0]) => {
      const route = original.createClickRouter(options);
      return async (click: Parameters<typeof route>[0], responder: Parameters<typeof route>[1]) => {
        const result = await route(click, scannedResponder(responder));
        scanReply(result);
        return result;
      };
    },
  };
});

afterAll(() => {
  if (process.env.DAYBOOK_SCAN_STATS === "1") {
    process.stderr.write(
      `output scan: ${state.replies} replies, ${state.logLines} log lines, ${state.ms.toFixed(1)} ms\n`,
    );
  }
  if (state.violations.length === 0) return;
  const lines = state.violations.map((v) => `  ${v.kind} · ${v.rule}: …${v.excerpt}…`);
  throw new Error(
    `output scan: ${state.violations.length} violation(s) in this file's replies or logs ` +
      `(${state.replies} replies, ${state.logLines} log lines scanned):\n${lines.join("\n")}`,
  );
});
