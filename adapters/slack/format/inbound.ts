/**
 * Slack's inbound markup to the plain text a person meant, once, where a Slack message becomes
 * an IncomingMessage. Slack escapes `&`, `<` and `>` as `&amp;`, `&lt;`, `&gt;` and writes
 * mentions, channel links, user groups, special mentions, dates and links as `<...>` tokens
 * (https://api.slack.com/reference/surfaces/formatting#retrieving-messages). Everything the
 * model reads and every write it proposes gets human text: "fix login & signup for <admins>",
 * "@Dana Lee", "#sales", "label (https://...)".
 */

export type SlackToken =
  | { kind: "text"; text: string }
  | { kind: "user"; id: string; label?: string }
  | { kind: "channel"; id: string; label?: string }
  | { kind: "subteam"; id: string; label?: string }
  | { kind: "special"; name: string; label?: string }
  | { kind: "link"; url: string; label?: string };

/** Who and which channels the tokens name; ids missing from a map fall back to labels or ids. */
export interface SlackNames {
  users: ReadonlyMap<string, string>;
  channels: ReadonlyMap<string, string>;
}

/** What users.info tells about a person: display name, IANA zone, locale (each when set). */
export interface SlackProfile {
  name?: string;
  timeZone?: string;
  locale?: string;
}

/** Resolves ids to display names; undefined when unknown or unavailable (never throws). */
export interface SlackNameLookup {
  userName(id: string): Promise<string | undefined>;
  channelName(id: string): Promise<string | undefined>;
  /** A person's whole profile, from the same cached users.info call as their name. */
  profile?(id: string): Promise<SlackProfile | undefined>;
}

export interface NormaliseOptions {
  /** The bot's own user id: its mentions are addressing, not content, and are removed. */
  botUserId?: string | undefined;
  /**
   * How long lookups may take in total. The Events API's HTTP 200 waits for the listener
   * (adapters/slack/hono-receiver.ts), and Slack retries after 3 s, so names not known by
   * then fall back to labels or ids.
   */
  deadlineMs?: number;
  /** Distinct users and channels looked up per message; the rest fall back (a bound on calls). */
  maxLookups?: number;
}

const entity = /&(amp|lt|gt);/g;
const entityChars: Record<string, string> = { amp: "&", lt: "<", gt: ">" };

/**
 * Slack's three escapes, decoded in one pass so `&amp;lt;` (a user who typed "&lt;") stays
 * "&lt;". Applied to text between tokens and to token parts after parsing, never before: a
 * user who types "<@U1>" is sent `&lt;@U1&gt;` and must get the literal text back.
 */
export function decodeSlackEntities(text: string): string {
  return text.replace(entity, (_m, name: string) => entityChars[name] ?? _m);
}

// Inside a token Slack never sends a raw `<` or `>` (they are escaped), so tokens cannot nest.
const tokenPattern = /<([^<>]*)>/g;

function splitLabel(inner: string): { target: string; label?: string } {
  const bar = inner.indexOf("|");
  if (bar < 0) return { target: inner };
  const label = inner.slice(bar + 1);
  return label === "" ? { target: inner.slice(0, bar) } : { target: inner.slice(0, bar), label };
}

function tokenOf(inner: string): SlackToken {
  const { target, label } = splitLabel(inner);
  const withLabel = label === undefined ? {} : { label };
  if (target.startsWith("@")) return { kind: "user", id: target.slice(1), ...withLabel };
  if (target.startsWith("#")) return { kind: "channel", id: target.slice(1), ...withLabel };
  if (target.startsWith("!subteam^")) return { kind: "subteam", id: target.slice("!subteam^".length), ...withLabel };
  if (target.startsWith("!")) return { kind: "special", name: target.slice(1), ...withLabel };
  return { kind: "link", url: target, ...withLabel };
}

/** The raw `text` of a Slack message as text runs and tokens, still escaped. */
export function parseSlackText(raw: string): SlackToken[] {
  const tokens: SlackToken[] = [];
  let last = 0;
  for (const m of raw.matchAll(tokenPattern)) {
    if (m.index > last) tokens.push({ kind: "text", text: raw.slice(last, m.index) });
    tokens.push(tokenOf(m[1] ?? ""));
    last = m.index + m[0].length;
  }
  if (last < raw.length) tokens.push({ kind: "text", text: raw.slice(last) });
  return tokens;
}

/** "label (url)", or the url alone when the label only repeats it (Slack's auto-links). */
function renderLink(rawUrl: string, rawLabel: string | undefined): string {
  const url = decodeSlackEntities(rawUrl);
  const label = rawLabel === undefined ? undefined : decodeSlackEntities(rawLabel);
  const address = url.startsWith("mailto:") ? url.slice("mailto:".length) : undefined;
  const plain = address ?? url;
  if (
    label === undefined ||
    label === url ||
    label === plain ||
    label === url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
  ) {
    return plain;
  }
  return `${label} (${url})`;
}

function withAt(name: string): string {
  return name.startsWith("@") ? name : `@${name}`;
}

function renderSpecial(name: string, label: string | undefined): string {
  // `<!date^1392734382^{date_pretty}|Feb 18, 2014>`: the label is the text to show.
  if (name.startsWith("date^")) return label === undefined ? "" : decodeSlackEntities(label);
  if (label !== undefined) return withAt(decodeSlackEntities(label));
  return `@${name}`;
}

// Marks where the bot's mention was, so the spacing around it can be tidied afterwards.
const removed = "\uE000";

/** Tokens to text with the names known so far; the bot's own mentions are dropped. */
export function renderSlackText(tokens: readonly SlackToken[], names: SlackNames, botUserId?: string): string {
  let out = "";
  for (const t of tokens) {
    switch (t.kind) {
      case "text":
        out += decodeSlackEntities(t.text.replaceAll(removed, ""));
        break;
      case "user": {
        if (botUserId !== undefined && t.id === botUserId) {
          out += removed;
          break;
        }
        const name = names.users.get(t.id) ?? (t.label === undefined ? undefined : decodeSlackEntities(t.label));
        out += withAt(name ?? t.id);
        break;
      }
      case "channel": {
        const name = (t.label === undefined ? undefined : decodeSlackEntities(t.label)) ?? names.channels.get(t.id);
        out += `#${name ?? t.id}`;
        break;
      }
      case "subteam":
        out += t.label === undefined ? `@${t.id}` : withAt(decodeSlackEntities(t.label));
        break;
      case "special":
        out += renderSpecial(t.name, t.label);
        break;
      case "link":
        out += renderLink(t.url, t.label);
        break;
    }
  }
  return out
    .replace(/(?:[ \t]*\uE000)+[ \t]*(?=[,.!?;:]|$)/gm, "")
    .replace(/(?:[ \t]*\uE000)+[ \t]*/g, " ")
    .trim();
}

/** Waits for the lookups until the deadline; whatever has not answered by then is left out. */
async function resolveBy(
  ids: readonly string[],
  lookup: (id: string) => Promise<string | undefined>,
  deadline: Promise<void>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const all = ids.map((id) =>
    lookup(id).then(
      (name) => {
        if (name) found.set(id, name);
      },
      () => {},
    ),
  );
  await Promise.race([Promise.all(all), deadline]);
  // A copy: lookups that answer after the deadline must not change a message already rendered.
  return new Map(found);
}

/**
 * Raw Slack `text` to human text: user mentions resolved to display names (the bot's own
 * removed), channel links to `#name`, user groups and special mentions to `@name`, links to
 * their URL or "label (url)", entities decoded last. Distinct ids are looked up once each, in
 * parallel, within a deadline; a failed or slow lookup falls back to the label or id, so the
 * turn never fails on a name.
 */
export async function normaliseSlackText(
  raw: string,
  lookup: SlackNameLookup,
  options: NormaliseOptions = {},
): Promise<string> {
  const tokens = parseSlackText(raw);
  const max = options.maxLookups ?? 20;
  const userIds = new Set<string>();
  const channelIds = new Set<string>();
  for (const t of tokens) {
    if (t.kind === "user" && t.id !== options.botUserId && t.id !== "") userIds.add(t.id);
    // A labelled channel link already names the channel.
    if (t.kind === "channel" && t.label === undefined && t.id !== "") channelIds.add(t.id);
  }
  let names: SlackNames = { users: new Map(), channels: new Map() };
  if (userIds.size > 0 || channelIds.size > 0) {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.deadlineMs ?? 1_000);
    });
    try {
      const [users, channels] = await Promise.all([
        resolveBy([...userIds].slice(0, max), (id) => lookup.userName(id), deadline),
        resolveBy([...channelIds].slice(0, max), (id) => lookup.channelName(id), deadline),
      ]);
      names = { users, channels };
    } finally {
      clearTimeout(timer);
    }
  }
  return renderSlackText(tokens, names, options.botUserId);
}
