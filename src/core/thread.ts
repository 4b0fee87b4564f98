import { DaybookError } from "./errors.ts";

export type Platform = "slack" | "teams" | "console";

export const platforms: readonly Platform[] = ["slack", "teams", "console"];

/**
 * Where a conversation happens. `thread` is empty for a channel's top level (a
 * proactive post); replies to it then use the posted message id as their thread.
 */
export interface ThreadRef {
  platform: Platform;
  /** Slack team id, Teams tenant id, "local" for the console. */
  workspace: string;
  /** Slack channel id, Teams conversation id (without the ;messageid suffix). */
  channel: string;
  /** Slack thread_ts, Teams reply-chain root message id; "" at channel top level. */
  thread: string;
}

// Teams conversation ids contain ":" and ";" ("19:abc@thread.tacv2;messageid=1"), so each
// part is URI-encoded; the serialized form stays one readable, unambiguous Store key.
export function serializeThread(ref: ThreadRef): string {
  return [ref.platform, ref.workspace, ref.channel, ref.thread].map(encodeURIComponent).join(":");
}

export function parseThread(value: string): ThreadRef {
  const parts = value.split(":");
  if (parts.length !== 4) {
    throw new DaybookError("bad_request", `thread id must have 4 parts, got ${parts.length}`);
  }
  const [platform, workspace, channel, thread] = parts.map(decodeURIComponent) as [string, string, string, string];
  if (!isPlatform(platform)) {
    throw new DaybookError("bad_request", `unknown platform "${platform}" in thread id`);
  }
  if (workspace === "" || channel === "") {
    throw new DaybookError("bad_request", "thread id needs a workspace and a channel");
  }
  return { platform, workspace, channel, thread };
}

export function isPlatform(value: string): value is Platform {
  return (platforms as readonly string[]).includes(value);
}

export function sameThread(a: ThreadRef, b: ThreadRef): boolean {
  return serializeThread(a) === serializeThread(b);
}
