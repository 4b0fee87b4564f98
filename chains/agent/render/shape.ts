/** How a domain registers the wording for one shape of tool result (see index.ts). */
import type { Fields } from "./fields.ts";
import type { Obj, RenderedReply } from "./types.ts";

/**
 * The wording for one shape of tool result. A result is recognised by its keys, not by the
 * tool's name, so two tools returning the same shape (a deal list filtered or not) read alike.
 */
export interface ShapeRenderer {
  /** The shape in a few words, for a reader and for test names. */
  readonly shape: string;
  matches(v: Obj): boolean;
  render(v: Obj, f: Fields): string | RenderedReply;
}
