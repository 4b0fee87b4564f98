import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { ChatUser } from "../../../src/core/chat.ts";
import { homeView } from "../format/home-view.ts";
import { type ListenerDeps, teamOf } from "./deps.ts";
import { slackUser } from "./inbound-text.ts";

/** Publishes `user`'s Home tab (views.publish needs only the bot token: no extra scope). */
export async function publishHome(
  client: WebClient,
  deps: ListenerDeps,
  user: ChatUser,
  workspace: string,
  notice?: string,
): Promise<void> {
  if (!deps.home) return;
  const card = await deps.home(user, workspace, notice);
  // The view's blocks are our own typed Block Kit; the SDK's View union is wider than we emit.
  await client.views.publish({
    user_id: user.id,
    view: homeView(card) as unknown as Parameters<WebClient["views"]["publish"]>[0]["view"],
  });
}

/**
 * `app_home_opened` (https://docs.slack.dev/reference/events/app_home_opened) fires for the
 * Messages tab too; only the Home tab gets a view.
 */
export function registerHomeListeners(app: App, deps: ListenerDeps): void {
  if (!deps.home) return;
  app.event("app_home_opened", async ({ event, client, context, body }) => {
    if (event.tab !== "home") return;
    const workspace = teamOf(context, body as unknown as Record<string, unknown>);
    await publishHome(client, deps, await slackUser(deps.namesIn(workspace), event.user), workspace);
  });
}
