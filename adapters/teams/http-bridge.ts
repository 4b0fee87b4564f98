import type { Request as BotRequest, Response as BotResponse } from "botbuilder";
import { DaybookError } from "../../src/core/errors.ts";

/**
 * CloudAdapter.process expects an Express/restify-style request with an already parsed body
 * and a response with status/header/send/end (botbuilder/lib/interfaces). These two helpers
 * bridge our Fetch-style HttpRoute to that shape.
 */
export async function toBotRequest(request: Request): Promise<BotRequest> {
  let body: unknown;
  try {
    body = await request.json();
  } catch (error) {
    throw new DaybookError("bad_request", "the activity is not valid JSON", { cause: error });
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new DaybookError("bad_request", "the activity must be a JSON object");
  }
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { body: body as Record<string, unknown>, headers, method: request.method };
}

export interface CapturedResponse {
  response: BotResponse;
  /** Resolves with the Fetch Response once botbuilder calls `end()`. */
  done: Promise<Response>;
}

export function captureResponse(): CapturedResponse {
  let status = 200;
  const headers = new Headers();
  let body: unknown;
  let resolve!: (response: Response) => void;
  const done = new Promise<Response>((r) => {
    resolve = r;
  });
  const response: BotResponse = {
    socket: undefined,
    status(code: unknown) {
      status = Number(code);
      return response;
    },
    header(name: unknown, value: unknown) {
      headers.set(String(name), String(value));
      return response;
    },
    send(payload: unknown) {
      body = payload;
      return response;
    },
    end() {
      resolve(toFetchResponse(status, headers, body));
      return response;
    },
  };
  return { response, done };
}

function toFetchResponse(status: number, headers: Headers, body: unknown): Response {
  // 204/304 responses must not carry a body (Fetch spec).
  if (body === undefined || body === null || status === 204 || status === 304) {
    return new Response(null, { status, headers });
  }
  if (typeof body === "string") {
    if (!headers.has("content-type")) headers.set("content-type", "text/plain; charset=utf-8");
    return new Response(body, { status, headers });
  }
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { status, headers });
}
