/** What a renderer receives and returns. */
import type { EntityRef } from "../refs.ts";

export type Obj = Record<string, unknown>;

/** The clock and timezone relative times are written against. */
export interface RenderContext {
  now: number;
  /** IANA timezone the turn context names; UTC by default. */
  timeZone?: string;
}

export interface RenderedReply {
  text: string;
  /**
   * Entities in the order the reply shows them, when that differs from the tool's order, so
   * "and the second one?" means the second item the person saw.
   */
  refs?: EntityRef[];
}
