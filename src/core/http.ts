/**
 * The narrow HTTP boundary between the server and the platform adapters (bolt-js's
 * `Receiver` idea, over the Fetch API): an adapter gets the raw Request, so it can verify
 * signatures over the exact bytes, and returns a Response.
 */
export interface RequestContext {
  /** Keeps the process alive for work that continues after the response (ack first). */
  waitUntil(work: Promise<unknown>): void;
}

export interface HttpRoute {
  method: "GET" | "POST";
  path: string;
  handle(request: Request, context: RequestContext): Promise<Response>;
}
