import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * The bot scopes of manifest/slack/manifest.yaml are exactly what daybook uses: the scopes of
 * every Slack Web API method the code calls (found by reading adapters/slack, where all Slack
 * SDK calls live, and src/), of every event it subscribes to and of the features it turns on.
 * A scope no call needs is refused as firmly as a missing one: each one widens what an install
 * lets daybook read.
 */

const root = new URL("../", import.meta.url);

/**
 * Bot-token scopes per method, for the conversations daybook serves: public and private
 * channels and DMs. Group DMs (mpim) are not served: without mpim:read their members are
 * unlisted and answers go privately (docs/slack.md, "Who sees an answer").
 * Source: https://api.slack.com/methods/<method> ("Required scopes").
 */
const methodScopes: Record<string, { scopes: string[]; why?: string }> = {
  // https://api.slack.com/methods/chat.postMessage
  "chat.postMessage": {
    scopes: ["chat:write", "chat:write.public"],
    why: "digests post into the channels the org config names, which daybook need not have joined (https://api.slack.com/scopes/chat:write.public)",
  },
  // https://api.slack.com/methods/chat.update
  "chat.update": { scopes: ["chat:write"] },
  // https://api.slack.com/methods/chat.postEphemeral
  "chat.postEphemeral": { scopes: ["chat:write"] },
  // https://api.slack.com/methods/chat.startStream, chat.appendStream, chat.stopStream
  "chat.startStream": { scopes: ["chat:write"] },
  "chat.appendStream": { scopes: ["chat:write"] },
  "chat.stopStream": { scopes: ["chat:write"] },
  // https://api.slack.com/methods/conversations.members (C: channels:read, G: groups:read; D is never asked)
  "conversations.members": { scopes: ["channels:read", "groups:read"] },
  // https://api.slack.com/methods/conversations.info (for <#C…> links, public or private)
  "conversations.info": { scopes: ["channels:read", "groups:read"] },
  // https://api.slack.com/methods/conversations.replies (threads in channels, private channels, DMs)
  "conversations.replies": { scopes: ["channels:history", "groups:history", "im:history"] },
  // https://api.slack.com/methods/conversations.open (a DM with one person)
  "conversations.open": { scopes: ["im:write"] },
  // https://api.slack.com/methods/users.info
  "users.info": { scopes: ["users:read"] },
  // https://api.slack.com/methods/auth.test (any token, no scope)
  "auth.test": { scopes: [] },
  // https://api.slack.com/methods/assistant.threads.setStatus (assistant:write or chat:write)
  "assistant.threads.setStatus": { scopes: ["chat:write"] },
  // https://api.slack.com/methods/assistant.threads.setSuggestedPrompts
  "assistant.threads.setSuggestedPrompts": { scopes: ["assistant:write"] },
  // https://api.slack.com/methods/assistant.threads.setTitle
  "assistant.threads.setTitle": { scopes: ["assistant:write"] },
  // https://api.slack.com/methods/views.publish (App Home; no scope beyond the bot token)
  "views.publish": { scopes: [] },
  // https://api.slack.com/methods/files.getUploadURLExternal, files.completeUploadExternal
  "files.getUploadURLExternal": { scopes: ["files:write"] },
  "files.completeUploadExternal": { scopes: ["files:write"] },
  // https://api.slack.com/methods/oauth.v2.access and apps.uninstall (client id and secret, no scope)
  "oauth.v2.access": { scopes: [] },
  "apps.uninstall": { scopes: [] },
};

/** WebClient helpers and Bolt listener utilities, and the Web API methods they call. */
const helperMethods: Record<string, string[]> = {
  filesUploadV2: ["files.getUploadURLExternal", "files.completeUploadExternal"],
  chatStream: ["chat.startStream", "chat.appendStream", "chat.stopStream"],
  say: ["chat.postMessage"],
  sayStream: ["chat.startStream", "chat.appendStream", "chat.stopStream"],
  setTitle: ["assistant.threads.setTitle"],
};

/** Scopes per subscribed bot event: https://api.slack.com/events/<event> ("Required scopes"). */
const eventScopes: Record<string, string[]> = {
  // https://api.slack.com/events/app_mention
  app_mention: ["app_mentions:read"],
  // https://api.slack.com/events/message.im
  "message.im": ["im:history"],
  // https://api.slack.com/events/assistant_thread_started
  assistant_thread_started: ["assistant:write"],
  // https://api.slack.com/events/assistant_thread_context_changed
  assistant_thread_context_changed: ["assistant:write"],
  // https://api.slack.com/events/app_home_opened, app_uninstalled, tokens_revoked: no scope
  app_home_opened: [],
  app_uninstalled: [],
  tokens_revoked: [],
};

/**
 * Web API methods called in TypeScript source: `client.family.method(` on any WebClient
 * (`client`, `this.#client`, a listener's `client`), `apiCall("…")` / `paginate("…")`, and the
 * WebClient helpers and Bolt utilities of helperMethods. Comments are ignored.
 */
function slackMethodsIn(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const found = new Set<string>();
  for (const m of code.matchAll(/\bclient\??\.((?:[a-z][a-zA-Z]*\.)+[a-zA-Z]+)\s*\(/g)) found.add(m[1] as string);
  for (const m of code.matchAll(/\.(?:apiCall|paginate)\(\s*["'`]([a-z][\w.]+)["'`]/g)) found.add(m[1] as string);
  for (const m of code.matchAll(/\bclient\??\.(filesUploadV2|chatStream)\s*\(/g))
    for (const method of helperMethods[m[1] as string] ?? []) found.add(method);
  // Bolt's listener utilities are called bare, after destructuring the listener's arguments.
  for (const m of code.matchAll(/(?<![\w.#]|async |function )(say|sayStream|setTitle)\s*\(/g))
    for (const method of helperMethods[m[1] as string] ?? []) found.add(method);
  return [...found].sort();
}

function sourceFiles(dir: string): string[] {
  const base = fileURLToPath(new URL(dir, root));
  return (readdirSync(base, { recursive: true }) as string[])
    .filter((p) => p.endsWith(".ts") && !p.endsWith(".test.ts"))
    .map((p) => `${base}${p}`);
}

function calledMethods(): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const file of [...sourceFiles("adapters/slack/"), ...sourceFiles("src/")]) {
    for (const method of slackMethodsIn(readFileSync(file, "utf8"))) {
      where.set(method, [...(where.get(method) ?? []), file.slice(fileURLToPath(root).length)]);
    }
  }
  return where;
}

interface Manifest {
  features: { slash_commands?: unknown[]; assistant_view?: unknown };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] } };
}

const manifest = parse(readFileSync(new URL("manifest/slack/manifest.yaml", root), "utf8")) as Manifest;

/** Every scope something daybook does needs, with the reason. */
function neededScopes(): Map<string, string[]> {
  const needed = new Map<string, string[]>();
  const need = (scope: string, why: string) => needed.set(scope, [...(needed.get(scope) ?? []), why]);
  for (const [method, files] of calledMethods()) {
    for (const scope of methodScopes[method]?.scopes ?? []) need(scope, `${method} (${files[0]})`);
  }
  for (const event of manifest.settings.event_subscriptions.bot_events) {
    for (const scope of eventScopes[event] ?? []) need(scope, `event ${event}`);
  }
  // https://api.slack.com/interactivity/slash-commands: a slash command needs `commands`.
  if ((manifest.features.slash_commands ?? []).length > 0) need("commands", "slash command");
  // https://api.slack.com/docs/apps/ai: the assistant split view needs assistant:write.
  if (manifest.features.assistant_view) need("assistant:write", "assistant_view");
  return needed;
}

describe("Slack bot scopes in manifest/slack/manifest.yaml", () => {
  it("reads Web API calls out of source: chained families, apiCall, helpers and Bolt's say", () => {
    const source = `
      await client.chat.postMessage({ channel });
      await this.#client.users.info({ user });
      const r = await deps.client?.assistant.threads.setStatus({});
      await client.apiCall("views.publish", {});
      await client.filesUploadV2({ channel_id });
      async ({ say }) => { await say("hi"); };
      await redis.client.get("key"); // client.chat.delete( in a comment is not a call
      async say(text) {}
    `;
    expect(slackMethodsIn(source)).toEqual([
      "assistant.threads.setStatus",
      "chat.postMessage",
      "files.completeUploadExternal",
      "files.getUploadURLExternal",
      "users.info",
      "views.publish",
    ]);
  });

  it("finds the calls the Slack adapter is known to make, so an empty scan cannot pass", () => {
    expect([...calledMethods().keys()]).toEqual(
      expect.arrayContaining(["chat.postMessage", "chat.update", "conversations.members", "users.info"]),
    );
  });

  it("knows the scopes of every Web API method the code calls", () => {
    const unknown = [...calledMethods()]
      .filter(([method]) => !(method in methodScopes))
      .map(
        ([method, files]) => `${method} in ${files.join(", ")}: add it with https://api.slack.com/methods/${method}`,
      );
    expect(unknown).toEqual([]);
  });

  it("knows the scopes of every subscribed event", () => {
    const unknown = manifest.settings.event_subscriptions.bot_events.filter((e) => !(e in eventScopes));
    expect(unknown).toEqual([]);
  });

  it("asks for every scope a call, event or feature needs", () => {
    const granted = new Set(manifest.oauth_config.scopes.bot);
    const missing = [...neededScopes()]
      .filter(([scope]) => !granted.has(scope))
      .map(([scope, why]) => `${scope} (for ${why.join("; ")})`);
    expect(missing).toEqual([]);
  });

  it("asks for no scope that no call, event or feature needs", () => {
    const needed = neededScopes();
    expect(manifest.oauth_config.scopes.bot.filter((scope) => !needed.has(scope))).toEqual([]);
  });

  it("lists each scope once", () => {
    const scopes = manifest.oauth_config.scopes.bot;
    expect(new Set(scopes).size).toBe(scopes.length);
  });
});
