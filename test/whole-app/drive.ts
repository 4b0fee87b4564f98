/**
 * How the whole-app tests drive the composed app as Slack and the Bot Framework do, and what
 * they read back: the people and channels of an organisation on both platforms, the upstream
 * writes the approved calls make, channel messages, approval cards and clicks.
 */
import { demoOrg } from "../../src/config/demo-org.ts";
import type { OrgConfig } from "../../src/config/org.ts";
import { APPROVE_ACTION_ID } from "../../src/core/action-ids.ts";
import { systemClock } from "../../src/core/clock.ts";
import type { Ports } from "../../src/core/domain/ports.ts";
import type { ToolDomain } from "../../src/core/principal.ts";
import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import { secondOrgProfile } from "../fixtures/second-org/profile.ts";
import { secondOrgConfig } from "../support/sweep.ts";
import { type ConnectorCall, slackTeam, type WholeApp } from "../support/whole-app.ts";

export async function until<T>(read: () => T | undefined, ms = 15_000, what = "the app"): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

// ---- the organisation on both platforms --------------------------------------------------------

export const slackChannelOf = (name: string) => `C0WA${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}`;
export const teamsChannelOf = (name: string) => `19:wa-${name}@thread.tacv2`;

/**
 * The org as configured for a workspace and a team: every channel gets its Slack and Teams
 * id, and an audience where `audiences` names one (a channel that declares none asks the
 * platform for its members); people without a Teams id get one.
 */
export function onBothPlatforms(org: OrgConfig, audiences: Record<string, ToolDomain[]> = {}): OrgConfig {
  const channels = Object.fromEntries(
    Object.entries(org.channels).map(([name, channel]) => {
      const audience = channel.audience ?? audiences[name];
      return [
        name,
        { ...channel, slack: slackChannelOf(name), teams: teamsChannelOf(name), ...(audience ? { audience } : {}) },
      ];
    }),
  );
  // Listed by AAD object id where the org gives none (the demo lists 29: ids): both forms are in use.
  const users = org.users.map((u) => ({ ...u, teams: u.teams ?? `aad-wa-${u.id}` }));
  return { ...org, channels, users };
}

export interface Person {
  name: string;
  slack: string;
  /** The id the org config lists: a 29: id or an AAD object id. */
  teams: string;
  /** What a Teams activity carries for them: `from.id` (29:...) and `from.aadObjectId`, always both. */
  from: { id: string; aadObjectId: string };
}

/** Teams sends both ids of a person; the config lists one of them. */
export function teamsFrom(configured: string): Person["from"] {
  return configured.startsWith("29:")
    ? { id: configured, aadObjectId: `aad-of-${configured.slice(3)}` }
    : { id: `29:mri-of-${configured}`, aadObjectId: configured };
}

export function person(org: OrgConfig, id: string): Person {
  const user = org.users.find((u) => u.id === id);
  if (!user?.slack || !user.teams) throw new Error(`${id} needs a Slack and a Teams id in this org`);
  return { name: user.name, slack: user.slack, teams: user.teams, from: teamsFrom(user.teams) };
}

// ---- upstream writes ---------------------------------------------------------------------------

export interface UpstreamWrite {
  method: string;
  idempotencyKey: string | undefined;
  args: unknown[];
}

/**
 * The ports with every write method counted before it reaches the system: the demo ports
 * replay a repeated idempotency key, so only a count taken in front of them shows a call
 * that ran twice.
 */
export function recordingWrites(ports: Ports): { ports: Ports; writes: UpstreamWrite[] } {
  const writes: UpstreamWrite[] = [];
  const wrap = <T extends object>(target: T, methods: (keyof T & string)[], system: string): void => {
    for (const method of methods) {
      const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
      (target as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const options = args.at(-1) as { idempotencyKey?: string } | undefined;
        writes.push({
          method: `${system}.${method}`,
          idempotencyKey: options?.idempotencyKey,
          args: args.slice(0, -1),
        });
        return original.apply(target, args);
      };
    }
  };
  wrap(ports.jira, ["createIssue", "addComment"], "jira");
  wrap(ports.crm, ["logActivity", "updateDealStage"], "crm");
  wrap(ports.accounting, ["approveInvoice", "rejectInvoice"], "accounting");
  return { ports, writes };
}

// ---- Slack -------------------------------------------------------------------------------------

let tsSeq = 0;
/** A fresh Slack message ts (seconds.micro), unique in this process. */
export const nextTs = () => `1764500000.${String(++tsSeq).padStart(6, "0")}`;

export async function slackMention(w: WholeApp, who: Person, channel: string, text: string): Promise<string> {
  const ts = nextTs();
  const res = await w.slackEvent({
    type: "app_mention",
    user: who.slack,
    text: `<@U0WHOLEBOT> ${text}`,
    channel,
    ts,
    event_ts: ts,
    team: slackTeam,
  });
  if (res.status !== 200) throw new Error(`Slack event answered ${res.status}`);
  return ts;
}

/** The approval card daybook posted in a Slack thread: its ts and approval id. */
export async function slackApprovalCard(w: WholeApp, threadTs: string): Promise<{ ts: string; id: string }> {
  const card = await until(
    () =>
      w.slack.posted().find((p) => p.args.thread_ts === threadTs && JSON.stringify(p.args).includes(APPROVE_ACTION_ID)),
    15_000,
    "a Slack approval card",
  );
  const id = /"value":"([a-z0-9]{10})"/.exec(JSON.stringify(card.args))?.[1];
  if (!id) throw new Error("the approval card carries no approval id");
  return { ts: card.ts, id };
}

/** A block_actions payload as Slack posts it when a button of a channel message is clicked. */
export function slackClick(
  w: WholeApp,
  click: { who: Person; channel: string; ts: string; threadTs: string; actionId: string; value: string },
): Promise<Response> {
  return w.slackInteraction({
    type: "block_actions",
    team: { id: slackTeam, domain: "whole-app" },
    user: { id: click.who.slack, username: click.who.name, name: click.who.name, team_id: slackTeam },
    api_app_id: "A0DAYBOOK",
    token: "legacy",
    trigger_id: `${Date.now()}.1.abc`,
    container: { type: "message", message_ts: click.ts, channel_id: click.channel, is_ephemeral: false },
    channel: { id: click.channel, name: "channel" },
    message: { type: "message", ts: click.ts, thread_ts: click.threadTs, user: "U0WHOLEBOT", text: "card" },
    response_url: `${w.slack.url}/respond`,
    actions: [
      {
        type: "button",
        action_id: click.actionId,
        block_id: "approval",
        value: click.value,
        action_ts: String(Date.now() / 1000),
      },
    ],
  });
}

// ---- Teams -------------------------------------------------------------------------------------

let activitySeq = 0;

export function teamsBase(w: WholeApp, who: Person, conversationId: string, conversationType: string) {
  return {
    channelId: "msteams",
    serviceUrl: `${w.connector.url}/`,
    from: { ...who.from, name: who.name },
    recipient: { id: `28:${w.teamsAuth.appId}`, name: "daybook" },
    conversation: { id: conversationId, conversationType, tenantId: w.teamsAuth.tenantId },
    channelData: { tenant: { id: w.teamsAuth.tenantId } },
    timestamp: new Date().toISOString(),
  };
}

/** A new post in a Teams channel that @mentions daybook; returns the conversation id of its reply chain. */
export async function teamsMention(w: WholeApp, who: Person, channel: string, text: string): Promise<string> {
  const id = String(1764500000000 + ++activitySeq);
  const bot = { id: `28:${w.teamsAuth.appId}`, name: "daybook" };
  const res = await w.teamsActivity({
    ...teamsBase(w, who, channel, "channel"),
    type: "message",
    id,
    text: `<at>daybook</at> ${text}`,
    entities: [{ type: "mention", mentioned: bot, text: "<at>daybook</at>" }],
  });
  if (res.status >= 300) throw new Error(`Teams activity answered ${res.status}`);
  return `${channel};messageid=${id}`;
}

/** daybook added to a team channel: the conversation reference digests are posted with. */
export async function teamsInstall(w: WholeApp, installer: Person, channel: string): Promise<void> {
  const res = await w.teamsActivity({
    ...teamsBase(w, installer, channel, "channel"),
    type: "conversationUpdate",
    id: `install-${++activitySeq}`,
    membersAdded: [{ id: `28:${w.teamsAuth.appId}`, name: "daybook" }],
  });
  if (res.status >= 300) throw new Error(`Teams install answered ${res.status}`);
}

/** The approval card daybook posted into a Teams conversation: its activity id and approval id. */
export async function teamsApprovalCard(
  w: WholeApp,
  conversationId: string,
): Promise<{ activityId: string; id: string }> {
  const card = await until(
    () =>
      w.connector
        .calls()
        .find(
          (c) =>
            c.method === "POST" &&
            c.conversationId === conversationId &&
            JSON.stringify(c.activity).includes(APPROVE_ACTION_ID),
        ),
    15_000,
    "a Teams approval card",
  );
  const id = /"value":"([a-z0-9]{10})"/.exec(JSON.stringify(card.activity))?.[1];
  if (!id) throw new Error("the approval card carries no approval id");
  return { activityId: card.responseId, id };
}

export interface InvokeAnswer {
  status: number;
  /** The card the clicker sees at once (the invoke response's value), as JSON text. */
  card: string;
}

/** An Action.Execute click as Teams sends it: an `adaptiveCard/action` invoke replying to the card. */
export async function teamsClick(
  w: WholeApp,
  click: {
    who: Person;
    conversationId: string;
    conversationType?: string;
    replyToId: string;
    verb: string;
    value: string;
  },
): Promise<InvokeAnswer> {
  const res = await w.teamsActivity({
    ...teamsBase(w, click.who, click.conversationId, click.conversationType ?? "channel"),
    type: "invoke",
    name: "adaptiveCard/action",
    id: `invoke-${++activitySeq}`,
    replyToId: click.replyToId,
    value: { action: { type: "Action.Execute", verb: click.verb, data: { value: click.value } }, trigger: "manual" },
  });
  const body = (await res.json().catch(() => ({}))) as { value?: unknown };
  return { status: res.status, card: JSON.stringify(body.value ?? body) };
}

export const putsTo = (w: WholeApp, activityId: string): ConnectorCall[] =>
  w.connector.calls().filter((c) => c.method === "PUT" && c.activityId === activityId);

// ---- the two organisations ---------------------------------------------------------------------

export interface OrgSpec {
  label: string;
  org: OrgConfig;
  /** Fresh demo ports over this organisation's own data. */
  ports(): Ports;
  /** The person who asks (every role). */
  asker: string;
  /** The channel that shows Jira. */
  jiraChannel: string;
  /** botframework-connector caches outbound tokens per app id: one per app in a file. */
  teamsAppId: string;
}

export const orgSpecs: OrgSpec[] = [
  {
    label: "the demo org",
    org: onBothPlatforms(demoOrg),
    ports: () => createDemoPorts({ clock: systemClock }),
    asker: "alex",
    jiraChannel: "engineering",
    teamsAppId: "00000000-0000-0000-0000-0000000000d1",
  },
  {
    label: "the second org",
    org: onBothPlatforms(secondOrgConfig(), {
      plattform: ["jira"],
      vertrieb: ["crm"],
      buchhaltung: ["accounting"],
      leitung: ["jira", "crm", "accounting"],
    }),
    ports: () => createDemoPorts({ clock: systemClock, profile: secondOrgProfile }),
    asker: "clara",
    jiraChannel: "plattform",
    teamsAppId: "00000000-0000-0000-0000-0000000000d2",
  },
];
