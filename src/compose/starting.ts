/**
 * The server listens before the app is composed (src/main.ts start()), so a health probe is
 * answered while the agent, the tools and the SDKs of configured integrations still load.
 * Imports nothing: it is loaded before everything else.
 */

export type Fetch = (request: Request) => Response | Promise<Response>;

/**
 * Lets pending I/O run before the next synchronous step: a probe takes several turns of the
 * event loop (accept the connection, read the request, write the answer), so a few are given.
 */
export async function nextTurn(turns = 4): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * The server listens before the app is composed: GET /healthz (liveness) answers at once,
 * GET /readyz answers 503 until the app is composed and its store answers, and every other
 * request waits for the composed app rather than being refused (a Slack event or Teams
 * activity that arrives during start-up is answered as it would be a moment later).
 */
export function whileComposing(composed: Promise<Fetch>): Fetch {
  return (request) => {
    const path = new URL(request.url).pathname;
    if (request.method === "GET" && path === "/healthz") return Response.json({ status: "ok" });
    if (request.method === "GET" && path === "/readyz") {
      return Response.json(
        { status: "starting", error: { code: "starting", message: "the app is still starting" } },
        { status: 503 },
      );
    }
    return composed.then(
      (fetch) => fetch(request),
      () => Response.json({ error: { code: "internal", message: "start-up failed" } }, { status: 503 }),
    );
  };
}
