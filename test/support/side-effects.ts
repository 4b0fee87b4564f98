import type { Store } from "../../src/core/store.ts";

const writeMethods = new Set([
  "set",
  "setIfAbsent",
  "compareAndSet",
  "delete",
  "deleteIfEquals",
  "append",
  "increment",
  "mapSet",
  "mapDelete",
]);

/** The store, with every write counted by key (reads pass through uncounted). */
export function countingStore(inner: Store): { store: Store; writes: string[] } {
  const writes: string[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (typeof property === "string" && writeMethods.has(property)) {
        return (...args: unknown[]) => {
          writes.push(`${property} ${String(args[0])}`);
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
  return { store, writes };
}

/** Log lines parsed from JSON, for assertions on level, message and fields. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** Stack-trace shapes and file paths that must never reach an HTTP response or a chat reply. */
export const leakShapes: readonly RegExp[] = [
  /\n\s+at\s/, // V8 stack frame
  /\bat\s+[\w.<>]+\s+\((?:file:|\/|node:)/, // "at fn (file:///..." or "(node:internal..."
  /file:\/\//,
  /\/(?:work|home|usr|app|src|node_modules)\/[\w.-]+/,
  /node_modules/,
  /\b(?:TypeError|ReferenceError|SyntaxError|RangeError):/,
];
