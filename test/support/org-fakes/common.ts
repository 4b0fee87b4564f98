/**
 * What the three vendor fakes share: a recorded local server (test/support/http.ts) whose
 * handler answers a vendor's error shape for a refused credential or a request the real API
 * rejects, so a connector that sends the wrong header or pages past a limit fails here as it
 * would against the vendor.
 */
import { createHash } from "node:crypto";
import { type RecordedRequest, startFakeServer } from "../http.ts";

export type FakeReply = { status?: number; headers?: Record<string, string>; body?: unknown };

/** A request the fake refuses: thrown inside a route, answered with the vendor's status and body. */
export class Refusal extends Error {
  readonly reply: FakeReply;
  constructor(status: number, body: unknown) {
    super(`refused with ${status}`);
    this.reply = { status, body };
  }
}

export interface OrgFake {
  url: string;
  requests: RecordedRequest[];
  /** Requests the fake refused (wrong auth, a limit exceeded), with the reason; a clean run has none. */
  refusals: { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

export async function startOrgFake(route: (req: RecordedRequest) => FakeReply | Promise<FakeReply>): Promise<OrgFake> {
  const refusals: OrgFake["refusals"] = [];
  const fake = await startFakeServer(async (req) => {
    try {
      return await route(req);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      refusals.push({ method: req.method, path: req.path, status: error.reply.status ?? 400 });
      return error.reply;
    }
  });
  return {
    url: fake.url,
    requests: fake.requests,
    refusals,
    close: () => {
      fake.server.closeAllConnections();
      return fake.close();
    },
  };
}

export function urlOf(req: RecordedRequest): URL {
  return new URL(req.path, "http://fake.local");
}

export function jsonBody<T>(req: RecordedRequest): T {
  try {
    return JSON.parse(req.body || "{}") as T;
  } catch {
    throw new Refusal(400, { message: "request body is not JSON" });
  }
}

/** A stable id of the given shape for a generated row (vendors' ids are not the demo's). */
export function stableHex(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** A version-4-shaped UUID derived from a text, as Xero's ids look. */
export function stableUuid(text: string): string {
  const h = stableHex(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A page of `items` from an offset cursor. */
export function pageOf<T>(items: readonly T[], offset: number, limit: number): { items: T[]; next?: number } {
  const slice = items.slice(offset, offset + limit);
  return offset + limit < items.length ? { items: slice, next: offset + limit } : { items: slice };
}

/** Regex dispatch without assignments in conditions: `if (m.on(re))`, then `m.group(1)`. */
export function matcher(text: string): { on(re: RegExp): boolean; group(n: number): string } {
  let last: RegExpExecArray | null = null;
  return {
    on(re) {
      last = re.exec(text);
      return last !== null;
    },
    group(n) {
      return last?.[n] ?? "";
    },
  };
}
