/**
 * Issue 14, item 6, over real sockets: the bot shows it is working. A Slack mention gets a
 * tagged "Working on it…" in its thread as its worker takes the turn, and the answer replaces it
 * (chat.update); a /daybook command posts the question and the same placeholder in its thread;
 * a Teams 1:1 chat gets Teams' streaming protocol (an informative update, then the final message
 * on the same stream id). With a real model (ChatOpenAI against a local OpenAI-compatible
 * server that streams its tokens), the answer streams into the placeholder, throttled: Slack at
 * most one chat.update a second per message, Teams one streaming request a second.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { placeholderText } from "../../src/bot/turn-worker.ts";
import { startStreamingOpenAi } from "../support/fake-openai-stream.ts";
import { redisSkipReason } from "../support/redis.ts";
import { isPlaceholder, slackTeam, startWholeApp, type WholeApp } from "../support/whole-app.ts";
import { nextTs, orgSpecs, type Person, person, slackChannelOf, slackMention, until } from "./drive.ts";

/** Another app id per started app (botframework-connector caches tokens per app id). */
const appIdFor = (base: string, n: number) => `${base.slice(0, -2)}${n}${base.slice(-1)}`;

type StreamInfo = { type?: string; streamType?: string; streamId?: string; streamSequence?: number };
/**
 * The stream fields of an activity as they reached the connector: the `streaminfo` entity (the
 * connector's serialiser keeps only its type) completed by the same fields in channelData.
 */
const streamInfoOf = (activity: Record<string, unknown>): StreamInfo | undefined => {
  const entity = ((activity.entities ?? []) as StreamInfo[]).find((e) => e.type === "streaminfo");
  if (!entity) return undefined;
  const { streamType, streamId, streamSequence } = (activity.channelData ?? {}) as StreamInfo;
  return {
    type: "streaminfo",
    ...(streamType ? { streamType } : {}),
    ...(streamId ? { streamId } : {}),
    ...(streamSequence ? { streamSequence } : {}),
    ...entity,
  };
};

/** A long answer with no figures (the figure guard passes words), 120 words. */
const longAnswer = Array.from({ length: 120 }, (_, i) => `point${i}`).join(" ");

function personalChat(w: WholeApp, who: Person, id: string) {
  return w.teamsActivity({
    type: "message",
    id,
    channelId: "msteams",
    serviceUrl: `${w.connector.url}/`,
    text: "what's blocking the sprint?",
    from: { ...who.from, name: who.name },
    recipient: { id: `28:${w.teamsAuth.appId}`, name: "daybook" },
    conversation: { id: `a:personal-${id}`, conversationType: "personal", tenantId: w.teamsAuth.tenantId },
    channelData: { tenant: { id: w.teamsAuth.tenantId } },
    timestamp: new Date().toISOString(),
  });
}

describe.skipIf(redisSkipReason !== undefined).each(orgSpecs)(
  "the bot shows it is working, offline model, on $label",
  (spec) => {
    let w: WholeApp;
    const asker = person(spec.org, spec.asker);
    beforeAll(async () => {
      w = await startWholeApp({ org: spec.org, ports: spec.ports(), teamsAppId: appIdFor(spec.teamsAppId, 7) });
    });
    afterAll(async () => {
      await w?.close();
    });

    it("shows a Slack mention a placeholder in its thread, then exactly one answer in its place", async () => {
      const thread = await slackMention(w, asker, slackChannelOf(spec.jiraChannel), "what's blocking the sprint?");
      const answer = await until(() => w.slack.posted().find((p) => p.args.thread_ts === thread));
      const posts = w.slack.calls("chat.postMessage").filter((c) => c.thread_ts === thread);
      // One message in the thread: posted as the placeholder, replaced by the answer.
      expect(posts).toHaveLength(1);
      expect(String(posts[0]?.text)).toBe(placeholderText);
      expect(isPlaceholder(posts[0] as Record<string, unknown>)).toBe(true);
      const updates = w.slack.calls("chat.update").filter((c) => c.ts === answer.ts);
      expect(updates).toHaveLength(1);
      expect(JSON.stringify(answer.args.blocks)).not.toContain(placeholderText);
      expect(JSON.stringify(answer.args.blocks)).toMatch(/offline model/);
    });

    it("answers /daybook with the question in the channel and a placeholder in its thread, replaced by the answer", async () => {
      const body = new URLSearchParams({
        command: "/daybook",
        text: "what's blocking the sprint?",
        team_id: slackTeam,
        channel_id: slackChannelOf(spec.jiraChannel),
        user_id: asker.slack,
        user_name: "asker",
        response_url: `${w.slack.url}/respond`,
        trigger_id: "1.2.3",
      }).toString();
      const { signSlackRequest } = await import("../../adapters/slack/webhook/verify.ts");
      const { slackSigningSecret } = await import("../support/whole-app.ts");
      const now = Math.floor(Date.now() / 1000);
      const res = await fetch(`${w.url}/slack/events`, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-slack-request-timestamp": String(now),
          "x-slack-signature": signSlackRequest(slackSigningSecret, now, body),
        },
      });
      expect(res.status).toBe(200);
      const root = await until(() =>
        w.slack
          .posted()
          .find(
            (p) =>
              !p.args.thread_ts && /asked/.test(String(p.args.text)) && /blocking the sprint/.test(String(p.args.text)),
          ),
      );
      const answer = await until(() => w.slack.posted().find((p) => p.args.thread_ts === root.ts));
      const inThread = w.slack.calls("chat.postMessage").filter((c) => c.thread_ts === root.ts);
      expect(inThread).toHaveLength(1);
      expect(String(inThread[0]?.text)).toBe(placeholderText);
      expect(JSON.stringify(answer.args.blocks)).not.toContain(placeholderText);
    });

    it("streams in a Teams 1:1 chat: an informative update, then the answer as the stream's final message", async () => {
      const id = `working-${spec.label.replace(/\W/g, "")}-1`;
      expect((await personalChat(w, asker, id)).status).toBeLessThan(300);
      const conversationId = `a:personal-${id}`;
      const final = await until(() =>
        w.connector.calls().find((c) => c.conversationId === conversationId && c.activity.type === "message"),
      );
      const calls = w.connector.calls().filter((c) => c.conversationId === conversationId);
      const informative = calls.find((c) => streamInfoOf(c.activity)?.streamType === "informative");
      expect(informative?.activity).toMatchObject({ type: "typing", text: placeholderText });
      expect(streamInfoOf(informative?.activity ?? {})?.streamSequence).toBe(1);
      expect(streamInfoOf(final.activity)).toEqual({
        type: "streaminfo",
        streamType: "final",
        streamId: informative?.responseId,
      });
      expect(calls.filter((c) => c.activity.type === "message")).toHaveLength(1);
      expect(JSON.stringify(final.activity)).toMatch(/offline model/);
    });
  },
);

describe.skipIf(redisSkipReason !== undefined).each(orgSpecs)(
  "a streamed answer from a language model, on $label",
  (spec) => {
    let w: WholeApp;
    let model: Awaited<ReturnType<typeof startStreamingOpenAi>>;
    const asker = person(spec.org, spec.asker);
    beforeAll(async () => {
      // 120 tokens 25 ms apart: a three-second answer.
      model = await startStreamingOpenAi(() => ({ content: longAnswer }), { tokenMs: 25 });
      w = await startWholeApp({
        org: spec.org,
        ports: spec.ports(),
        teamsAppId: appIdFor(spec.teamsAppId, 8),
        env: { OPENAI_API_KEY: "sk-test-streaming", OPENAI_BASE_URL: `${model.url}/v1` },
      });
    });
    afterAll(async () => {
      await w?.close();
      await model?.close();
    });

    it("edits the Slack placeholder as tokens arrive, at most once a second, and ends with the whole answer", async () => {
      const started = Date.now();
      const thread = await slackMention(w, asker, slackChannelOf(spec.jiraChannel), "summarise the sprint in words");
      const answer = await until(() => w.slack.posted().find((p) => p.args.thread_ts === thread), 20_000);
      const seconds = (Date.now() - started) / 1000;
      expect(model.chats.some((c) => c.stream === true)).toBe(true);
      const updates = w.slack.calls("chat.update").filter((c) => c.ts === answer.ts);
      const drafts = updates.slice(0, -1);
      expect(drafts.length).toBeGreaterThanOrEqual(1);
      expect(drafts.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
      // Each draft is the answer so far, marked unfinished; the last update is the whole answer.
      for (const d of drafts) {
        const text = /point\d+(?: point\d+)*/.exec(JSON.stringify(d.blocks))?.[0] ?? "";
        expect(longAnswer.startsWith(text)).toBe(true);
        expect(JSON.stringify(d.blocks)).toContain(" …");
      }
      expect(JSON.stringify(answer.args.blocks)).toContain("point119");
      expect(w.slack.calls("chat.postMessage").filter((c) => c.thread_ts === thread)).toHaveLength(1);
    });

    it("streams into a Teams 1:1 chat no faster than one request a second, each text continuing the last", async () => {
      const id = `streamed-${spec.label.replace(/\W/g, "")}-${nextTs().replace(".", "")}`;
      const started = Date.now();
      expect((await personalChat(w, asker, id)).status).toBeLessThan(300);
      const conversationId = `a:personal-${id}`;
      await until(
        () => w.connector.calls().find((c) => c.conversationId === conversationId && c.activity.type === "message"),
        20_000,
      );
      const stream = w.connector
        .calls()
        .filter((c) => c.conversationId === conversationId && streamInfoOf(c.activity) !== undefined);
      const streaming = stream.filter((c) => streamInfoOf(c.activity)?.streamType === "streaming");
      expect(streaming.length).toBeGreaterThanOrEqual(1);
      // One streaming request a second at most, the informative update and the final one included.
      expect(stream.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
      // Sequence numbers go up by one from the informative update; each text continues the last.
      expect(streaming.map((c) => streamInfoOf(c.activity)?.streamSequence)).toEqual(streaming.map((_, i) => i + 2));
      let before = "";
      for (const c of streaming) {
        const text = String(c.activity.text);
        expect(text.startsWith(before)).toBe(true);
        before = text;
      }
      const streamId = streamInfoOf(stream[0]?.activity ?? {})?.streamId ?? stream[0]?.responseId;
      for (const c of stream.slice(1)) expect(streamInfoOf(c.activity)?.streamId).toBe(streamId);
      const final = stream.at(-1);
      expect(streamInfoOf(final?.activity ?? {})?.streamType).toBe("final");
      expect(JSON.stringify(final?.activity)).toContain("point119");
    });
  },
);
