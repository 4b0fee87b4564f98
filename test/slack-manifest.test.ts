import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { slackLimits } from "../adapters/slack/format/limits.ts";
import { defaultSuggestedPrompts } from "../adapters/slack/listeners/assistant.ts";
import { slashCommand } from "../adapters/slack/listeners/slash-command.ts";

interface Manifest {
  features: {
    assistant_view?: { suggested_prompts?: { title: string; message: string }[] };
    slash_commands: { command: string; url: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(readFileSync(new URL("../manifest/slack/manifest.yaml", import.meta.url), "utf8")) as Manifest;

describe("manifest/slack/manifest.yaml", () => {
  it("subscribes to exactly the events the Bolt listeners handle", () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      [
        "app_home_opened",
        "app_mention",
        "app_uninstalled",
        "assistant_thread_context_changed",
        "assistant_thread_started",
        "message.im",
        "tokens_revoked",
      ].sort(),
    );
  });

  it("sends events, interactivity and the slash command to the one /slack/events route", () => {
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...manifest.features.slash_commands.map((c) => c.url),
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe("/slack/events");
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([slashCommand]);
  });

  it("asks for the scopes the adapter's Web API calls need, and Socket Mode is off by default", () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(["app_mentions:read", "assistant:write", "chat:write", "commands", "im:history"]),
    );
    // Inbound text names mentions and channel links (adapters/slack/directory.ts).
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(["users:read", "channels:read", "groups:read"]),
    );
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it("offers the same suggested prompts as the assistant listener, within Slack's limit of four", () => {
    expect(manifest.features.assistant_view?.suggested_prompts).toEqual(defaultSuggestedPrompts);
    expect(defaultSuggestedPrompts.length).toBeLessThanOrEqual(slackLimits.suggestedPrompts);
  });
});
