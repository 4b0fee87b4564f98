/**
 * The bot scopes an install asks for: those of manifest/slack/manifest.yaml (the image ships
 * without the manifest, so they are listed here; test/slack-oauth.test.ts keeps the two equal).
 */
export const installScopes: readonly string[] = [
  "app_mentions:read",
  "assistant:write",
  "channels:history",
  "channels:read",
  "chat:write",
  "chat:write.public",
  "commands",
  "files:write",
  "groups:history",
  "groups:read",
  "im:history",
  "im:write",
  "users:read",
];
