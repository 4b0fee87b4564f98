import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackIntegration, type SlackIntegration } from "../adapters/slack/app.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import type { OrgConfig } from "../src/config/org.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import { DaybookError } from "../src/core/errors.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type App, compose } from "../src/main.ts";
import { connectTestRedis, redisSkipReason, redisUrl } from "./support/redis.ts";
import { type SocketModeSlack, startSocketModeSlack } from "./support/socket-mode-fake.ts";
import { nextTs, orgSpecs, person, recordingWrites, settle, slackChannelOf, until } from "./whole-app/drive.ts";

/**
 * The composed server (role "all": queued turns, the offline agent, real Redis under a fresh
 * prefix) with Slack in Socket Mode, connected over a real WebSocket to a local Slack
 * (test/support/socket-mode-fake.ts). Nothing reaches it over HTTP: every event and click
 * arrives as a Socket Mode envelope, and every reply lands at the fake Web API.
 */

const team = "T0SOCK";
const bot = "U0SOCKBOT";
/** Slack's deadline for acknowledging an envelope: https://api.slack.com/apis/socket-mode */
const ackDeadlineMs = 3_000;

function mentionCallback(text: string, ts: string, options: { user?: string; channel?: string } = {}) {
  return {
    token: "legacy",
    team_id: team,
    api_app_id: "A0SOCKETMODE",
    type: "event_callback",
    event_id: `Ev${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: "app_mention",
      user: options.user ?? "U0DEMOALEX",
      text: `<@${bot}> ${text}`,
      ts,
      channel: options.channel ?? "C0ENGINEERING",
      event_ts: ts,
      team,
    },
    authorizations: [{ team_id: team, user_id: bot, is_bot: true }],
  };
}

function approveClick(approvalId: string, message: { ts: string; channel: string; threadTs: string }, user: string) {
  return {
    type: "block_actions",
    user: { id: user, username: user.toLowerCase(), team_id: team },
    api_app_id: "A0SOCKETMODE",
    token: "legacy",
    container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: "1.2.3",
    team: { id: team, domain: "sock" },
    channel: { id: message.channel, name: "sales" },
    message: { type: "message", ts: message.ts, thread_ts: message.threadTs, text: "approval" },
    actions: [
      { type: "button", action_id: APPROVE_ACTION_ID, block_id: "b1", value: approvalId, action_ts: "1764490500.1" },
    ],
  };
}

/** Answers posted in the thread of the message with this ts (working notices excluded). */
const answersIn = (slack: SocketModeSlack, ts: string) =>
  slack.posted().filter((p) => p.args.thread_ts === ts && !/thinking|working on it/i.test(String(p.args.text)));

/** The approval id on the Approve button of a posted card, if it carries one. */
function approveValue(args: Record<string, unknown>): string | undefined {
  const blocks = (args.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[];
  for (const block of blocks)
    for (const element of block.elements ?? [])
      if (element.action_id?.startsWith(APPROVE_ACTION_ID)) return element.value;
  return undefined;
}

/** The composed server in Socket Mode for `org`, connected to a fresh local Slack. */
async function startSocketModeApp(
  org: OrgConfig,
  members: string[],
  ports?: Ports,
): Promise<{ slack: SocketModeSlack; app: App }> {
  const slack = await startSocketModeSlack({ botUserId: bot, teamId: team, members });
  const store = await connectTestRedis(`test:socket-mode:${randomUUID()}:`);
  const { env } = loadConfig({
    NODE_ENV: "test",
    REDIS_URL: redisUrl,
    SLACK_SOCKET_MODE: "true",
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_BOT_TOKEN: "xoxb-socket-mode-token",
    SLACK_API_URL: slack.apiUrl,
  });
  const app = await compose(
    { env, org, orgSource: "socket-mode test" },
    { store, logger: silentLogger, platforms: true, listen: true, role: "all", ...(ports ? { ports } : {}) },
  );
  await slack.connected(1);
  return { slack, app };
}

async function closeSocketModeApp(app: App | undefined, slack: SocketModeSlack | undefined): Promise<void> {
  await app?.stopIntake();
  await app?.work?.stop(5_000);
  await app?.inFlight.drain(5_000);
  await app?.close();
  await slack?.close();
}

describe.skipIf(redisSkipReason !== undefined)("Slack in Socket Mode, over a real WebSocket", () => {
  let slack: SocketModeSlack;
  let app: App;

  beforeAll(async () => {
    // The channels' members are the people who ask and approve here, so answers stay in the thread.
    ({ slack, app } = await startSocketModeApp(demoOrg, ["U0DEMOALEX", "U0DEMOSAM", bot]));
  });

  afterAll(async () => {
    await closeSocketModeApp(app, slack);
  });

  it("opens its connection with the app-level token, not the bot token", () => {
    expect(slack.opened()).toBeGreaterThanOrEqual(1);
    const open = slack.requests.find((r) => r.path === "/api/apps.connections.open");
    expect(open?.headers.authorization).toBe(`Bearer ${slack.appToken}`);
  });

  it("acks a channel mention within Slack's 3 s and answers it in its thread", async () => {
    const ts = nextTs();
    const ack = await slack.deliver("events_api", mentionCallback("what's blocking the sprint?", ts));
    expect(ack.afterMs).toBeGreaterThanOrEqual(0);
    expect(ack.afterMs).toBeLessThan(ackDeadlineMs);
    const [answer] = await until(() => (answersIn(slack, ts).length > 0 ? answersIn(slack, ts) : undefined));
    expect(answer?.args.channel).toBe("C0ENGINEERING");
    expect(String(answer?.args.text)).not.toMatch(/you asked/i);
    // Only the mention's one answer: the ack did not make Slack (or us) deliver it twice.
    await new Promise((r) => setTimeout(r, 500));
    expect(answersIn(slack, ts)).toHaveLength(1);
  });

  it("acks an approval card's Approve click within 3 s, runs the approved call once and updates the card", async () => {
    const ts = nextTs();
    await slack.deliver(
      "events_api",
      mentionCallback("log a call on BrightTech: discussed onboarding", ts, { channel: "C0SALES" }),
    );
    const card = await until(() => answersIn(slack, ts).find((p) => approveValue(p.args) !== undefined));
    const approvalId = approveValue(card.args) as string;
    const updatesBefore = slack.calls("chat.update").length;
    // Sam (sales) may approve CRM writes in the demo organisation's policy.
    const click = approveClick(approvalId, { ts: card.ts, channel: "C0SALES", threadTs: ts }, "U0DEMOSAM");
    const envelopeId = randomUUID();
    const ack = await slack.deliver("interactive", click, { envelopeId });
    expect(ack.afterMs).toBeLessThan(ackDeadlineMs);
    const update = await until(() =>
      slack
        .calls("chat.update")
        .slice(updatesBefore)
        .find((u) => u.ts === card.ts && /approved/i.test(JSON.stringify(u))),
    );
    expect(approveValue(update)).toBeUndefined();
    expect(String(update.text)).toMatch(/^Approved by Sam/);
    const done = () => answersIn(slack, ts).filter((p) => /^Done:/.test(String(p.args.text)));
    await until(() => (done().length > 0 ? true : undefined));
    // The same click envelope again (Slack retries an envelope it thinks unacked): acked, not run twice.
    expect((await slack.redeliver(envelopeId)).afterMs).toBeLessThan(ackDeadlineMs);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(done()).toHaveLength(1);
  });

  it("acks a /daybook command within 3 s, posts the question and answers in its thread", async () => {
    const before = slack.posted().length;
    const ack = await slack.deliver("slash_commands", {
      token: "legacy",
      team_id: team,
      team_domain: "sock",
      channel_id: "C0SALES",
      channel_name: "sales",
      user_id: "U0DEMOALEX",
      user_name: "alex",
      command: "/daybook",
      text: "which deals need me today?",
      api_app_id: "A0SOCKETMODE",
      response_url: `${slack.apiUrl.replace(/\/api\/$/, "")}/respond/command`,
      trigger_id: "1.2.3",
    });
    expect(ack.afterMs).toBeLessThan(ackDeadlineMs);
    const root = await until(() =>
      slack
        .posted()
        .slice(before)
        .find((p) => p.args.thread_ts === undefined && /asked/.test(String(p.args.text))),
    );
    expect(String(root.args.text)).toMatch(/which deals need me today\?/);
    const [answer] = await until(() => (answersIn(slack, root.ts).length > 0 ? answersIn(slack, root.ts) : undefined));
    expect(answer?.args.channel).toBe("C0SALES");
  });

  it("acks and drops a malformed envelope, and keeps answering on the same connection", async () => {
    const connections = slack.connections();
    const bad = await slack.deliver("events_api", { type: "event_callback", team_id: team, event: "not an object" });
    expect(bad.afterMs).toBeLessThan(ackDeadlineMs);
    const ts = nextTs();
    await slack.deliver("events_api", mentionCallback("what's left for the close?", ts));
    await until(() => (answersIn(slack, ts).length > 0 ? true : undefined));
    expect(slack.connections()).toBe(connections);
  });

  it("reconnects on a refresh_requested disconnect and loses or repeats no event", async () => {
    const opens = slack.opened();
    const connections = slack.connections();
    const before = nextTs();
    await slack.deliver("events_api", mentionCallback("which deals need me today?", before));
    slack.disconnect("refresh_requested");
    // Sent while the app is between connections: Slack holds it for the next one.
    const during = nextTs();
    const held = slack.deliver("events_api", mentionCallback("what's left for the close?", during));
    await slack.connected(connections + 1);
    expect(slack.opened()).toBe(opens + 1);
    expect((await held).connection).toBe(connections + 1);
    await until(() => (answersIn(slack, during).length > 0 ? true : undefined));
    await until(() => (answersIn(slack, before).length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    expect(answersIn(slack, before)).toHaveLength(1);
    expect(answersIn(slack, during)).toHaveLength(1);
  });

  it("reconnects after the socket drops with no close frame, and answers what came meanwhile", async () => {
    const opens = slack.opened();
    const connections = slack.connections();
    slack.drop();
    const ts = nextTs();
    const held = slack.deliver("events_api", mentionCallback("which customers might churn?", ts));
    await slack.connected(connections + 1);
    expect(slack.opened()).toBe(opens + 1);
    expect((await held).afterMs).toBeLessThan(ackDeadlineMs);
    await until(() => (answersIn(slack, ts).length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    expect(answersIn(slack, ts)).toHaveLength(1);
  });

  it("answers once an envelope redelivered after its ack was lost in a drop (retry_attempt 1)", async () => {
    const connections = slack.connections();
    const ts = nextTs();
    const callback = mentionCallback("what's blocking the sprint?", ts);
    const envelopeId = randomUUID();
    slack.loseAcksOf(envelopeId);
    const acked = slack.deliver("events_api", callback, { envelopeId });
    // The app took the event (and answered) but Slack never saw the ack; the socket drops.
    await until(() => (answersIn(slack, ts).length > 0 ? true : undefined));
    slack.drop();
    await slack.connected(connections + 1);
    // The first ack Slack sees is the retry's, on the new connection.
    expect((await acked).connection).toBe(connections + 1);
    const deliveries = slack.deliveries(envelopeId);
    expect(deliveries.map((d) => d.envelope.retry_attempt)).toEqual([0, 1]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(answersIn(slack, ts)).toHaveLength(1);
  });

  it("answers once an envelope Slack sends twice on the same connection", async () => {
    const ts = nextTs();
    const envelopeId = randomUUID();
    await slack.deliver("events_api", mentionCallback("which deals need me today?", ts), { envelopeId });
    const second = await slack.redeliver(envelopeId);
    expect(second.afterMs).toBeLessThan(ackDeadlineMs);
    await until(() => (answersIn(slack, ts).length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(answersIn(slack, ts)).toHaveLength(1);
  });
});

describe.skipIf(redisSkipReason !== undefined).each(orgSpecs)(
  "a question and an approved write over Socket Mode, on $label",
  (spec) => {
    let slack: SocketModeSlack;
    let app: App;
    let writes: ReturnType<typeof recordingWrites>["writes"];
    const asker = person(spec.org, spec.asker);
    const channel = slackChannelOf(spec.jiraChannel);

    beforeAll(async () => {
      const recorded = recordingWrites(spec.ports());
      writes = recorded.writes;
      ({ slack, app } = await startSocketModeApp(spec.org, [asker.slack, bot], recorded.ports));
    });

    afterAll(async () => {
      await closeSocketModeApp(app, slack);
    });

    it("answers a sprint question in its thread from this organisation's Jira", async () => {
      const ts = nextTs();
      const ack = await slack.deliver(
        "events_api",
        mentionCallback("what's blocking the sprint?", ts, { user: asker.slack, channel }),
      );
      expect(ack.afterMs).toBeLessThan(ackDeadlineMs);
      const [answer] = await until(() => (answersIn(slack, ts).length > 0 ? answersIn(slack, ts) : undefined));
      expect(answer?.args.channel).toBe(channel);
      const sprint = await app.ports.jira.getActiveSprint();
      const issueKeys = sprint ? (await app.ports.jira.getSprintIssues(sprint.id)).map((i) => i.key) : [];
      expect(issueKeys.length).toBeGreaterThan(0);
      expect(issueKeys.some((key) => JSON.stringify(answer?.args).includes(key))).toBe(true);
    });

    it("creates the Jira issue once when the Approve envelope comes twice, and updates the card", async () => {
      const ts = nextTs();
      await slack.deliver(
        "events_api",
        mentionCallback("create a jira issue to rotate the staging TLS certificate", ts, {
          user: asker.slack,
          channel,
        }),
      );
      const card = await until(() => answersIn(slack, ts).find((p) => approveValue(p.args) !== undefined));
      const approvalId = approveValue(card.args) as string;
      const envelopeId = randomUUID();
      const click = approveClick(approvalId, { ts: card.ts, channel, threadTs: ts }, asker.slack);
      expect((await slack.deliver("interactive", click, { envelopeId })).afterMs).toBeLessThan(ackDeadlineMs);
      expect((await slack.redeliver(envelopeId)).afterMs).toBeLessThan(ackDeadlineMs);
      await until(() => slack.calls("chat.update").find((u) => u.ts === card.ts && /Approved by/.test(String(u.text))));
      await until(() => (answersIn(slack, ts).some((p) => /^Done:/.test(String(p.args.text))) ? true : undefined));
      await settle(1_000);
      const mine = writes.filter((w) => w.idempotencyKey === approvalId);
      expect(mine.map((w) => w.method)).toEqual(["jira.createIssue"]);
      expect(JSON.stringify(mine[0]?.args)).toContain("rotate the staging TLS certificate");
    });
  },
);

/**
 * The Slack integration as src/compose/platforms.ts builds it for the server: Socket Mode with
 * the work-queue intake as its handler (handOffDeduplicates), which here records what was
 * handed off and can be made slow or failing, as a Redis enqueue can be.
 */
describe.skipIf(redisSkipReason !== undefined)(
  "Socket Mode hands an event off before acking it (ARCHITECTURE.md, decision 7)",
  () => {
    let fake: SocketModeSlack;
    let slack: SlackIntegration;
    const handedOff: string[] = [];
    let handOff: (ts: string) => Promise<void> = async () => {};

    beforeAll(async () => {
      fake = await startSocketModeSlack({ botUserId: bot, teamId: team });
      const store = await connectTestRedis(`test:socket-mode-handoff:${randomUUID()}:`);
      slack = createSlackIntegration({
        botToken: "xoxb-socket-mode-token",
        appToken: fake.appToken,
        socketMode: true,
        apiUrl: fake.apiUrl,
        devSkipVerify: false,
        nodeEnv: "test",
        store,
        logger: silentLogger,
        handOffDeduplicates: true,
        handle: async (message) => {
          await handOff(message.messageId ?? "");
          handedOff.push(message.messageId ?? "");
        },
        onClick: async () => ({ kind: "none" }),
      });
      await slack.start();
      await fake.connected(1);
    });

    afterAll(async () => {
      await slack?.stop();
      await fake?.close();
    });

    it("acks a mention only after its hand-off has finished", async () => {
      handOff = () => new Promise((r) => setTimeout(r, 600));
      const ts = nextTs();
      const ack = await fake.deliver("events_api", mentionCallback("what's blocking the sprint?", ts));
      expect(handedOff).toContain(ts);
      expect(ack.afterMs).toBeGreaterThanOrEqual(550);
      expect(ack.afterMs).toBeLessThan(ackDeadlineMs);
    });

    it("acks a mention whose hand-off is still running before Slack's 3 s deadline", async () => {
      handOff = () => new Promise((r) => setTimeout(r, 3_500));
      const ack = await fake.deliver("events_api", mentionCallback("which customers might churn?", nextTs()));
      expect(ack.afterMs).toBeGreaterThanOrEqual(2_000);
      expect(ack.afterMs).toBeLessThan(ackDeadlineMs);
    });

    it("leaves a mention whose hand-off failed unacked, so Slack's redelivery is taken", async () => {
      let attempts = 0;
      handOff = async () => {
        attempts++;
        if (attempts === 1) throw new DaybookError("store_unavailable", "the work queue did not answer");
      };
      const ts = nextTs();
      const envelopeId = randomUUID();
      const first = fake.deliver("events_api", mentionCallback("which deals need me today?", ts), {
        envelopeId,
        ackWaitMs: 2_000,
      });
      await expect(first).rejects.toThrow(/not acked/);
      expect(handedOff).not.toContain(ts);
      const retry = await fake.redeliver(envelopeId);
      expect(retry.afterMs).toBeLessThan(ackDeadlineMs);
      expect(attempts).toBe(2);
      expect(handedOff.filter((t) => t === ts)).toHaveLength(1);
    });
  },
);
