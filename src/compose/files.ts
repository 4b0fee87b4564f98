import { createHash, randomBytes } from "node:crypto";
import type { Env } from "../config/env.ts";
import type { Clock } from "../core/clock.ts";
import { contentTypeOf, FileLinks, FileShelf } from "../core/files.ts";
import type { HttpRoute } from "../core/http.ts";
import type { Logger } from "../core/logger.ts";
import type { Store } from "../core/store.ts";

export interface Files {
  shelf: FileShelf;
  links: FileLinks;
  /** GET /files/:id?exp=&sig=: a posted file, for the signed link's holder until it expires. */
  route: HttpRoute;
}

/**
 * The file shelf and its signed links. The secret must be the same on every replica (any one
 * may serve the link another signed): FILES_SIGNING_SECRET, else one derived from the Teams app
 * password; with neither, a random one, so links work only on the process that made them.
 */
export function createFiles(env: Env, deps: { store: Store; clock: Clock; logger: Logger }): Files {
  const shelf = new FileShelf(deps.store);
  let secret = env.FILES_SIGNING_SECRET;
  if (!secret && env.MICROSOFT_APP_PASSWORD) {
    secret = createHash("sha256").update(`daybook file links\0${env.MICROSOFT_APP_PASSWORD}`).digest("hex");
  }
  if (!secret) {
    secret = randomBytes(32).toString("hex");
    if (env.MICROSOFT_APP_ID) {
      deps.logger.warn("FILES_SIGNING_SECRET is not set: file links work only on the replica that made them");
    }
  }
  const links = new FileLinks({ secret, baseUrl: env.DAYBOOK_PUBLIC_URL ?? `http://localhost:${env.PORT}` });
  const route: HttpRoute = {
    method: "GET",
    path: "/files/:id",
    handle: async (request) => {
      const url = new URL(request.url);
      const id = decodeURIComponent(url.pathname.split("/").pop() ?? "");
      if (
        !links.verify(
          id,
          url.searchParams.get("exp") ?? undefined,
          url.searchParams.get("sig") ?? undefined,
          deps.clock.now(),
        )
      ) {
        return Response.json(
          { error: { code: "forbidden", message: "the link is not valid or has expired" } },
          { status: 403 },
        );
      }
      const file = await shelf.get(id);
      if (!file)
        return Response.json({ error: { code: "not_found", message: "the file has expired" } }, { status: 404 });
      return new Response(Buffer.from(file.bytes), {
        status: 200,
        headers: {
          "content-type": contentTypeOf(file),
          // The name is daybook's own ("pnl-2026-11.csv"), never a person's text.
          // A chart shows in the card; a document (CSV, Markdown, PDF) is saved, never run by the browser.
          "content-disposition": `${file.mimeType === "image/png" ? "inline" : "attachment"}; filename="${file.name.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
          "cache-control": "private, max-age=300",
          "x-content-type-options": "nosniff",
        },
      });
    },
  };
  return { shelf, links, route };
}
