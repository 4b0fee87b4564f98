import type { Activity } from "botbuilder";
import { type Card, cardButtons, cardToText } from "../../src/core/card.ts";
import type { MessageRef, Responder } from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import { type AdaptiveCard, adaptiveCardContentType } from "./format/adaptive-card.ts";

/**
 * A turn's "Working on it…" on Teams (issue 14, item 6), and its answer streaming in.
 *
 * In a personal (1:1) chat it is Teams' streaming protocol
 * (https://learn.microsoft.com/microsoftteams/platform/bots/streaming-ux#stream-message-through-rest-api):
 *   1. an informative update: a `typing` activity with the placeholder text and a `streaminfo`
 *      entity `{ streamType: "informative", streamSequence: 1 }`; the id Teams returns is the
 *      stream id (kept as the turn's placeholder, so a redelivered turn finishes the same stream);
 *   2. streaming updates: `typing` activities with the whole text so far (each must start with
 *      the one before), `{ streamId, streamType: "streaming", streamSequence: n }`;
 *   3. the final message: a `message` activity (the answer's Adaptive Card) with
 *      `{ streamId, streamType: "final" }` and no sequence number.
 * Teams takes at most one streaming request a second (the same page: "throttled to one update
 * per second"; the turn worker already spaces drafts that far, this spaces every request of the
 * stream, the informative one included) and ends a stream left open for two minutes, so a final
 * message that Teams refuses (a stream from a worker that died long ago) is posted as a plain
 * message instead.
 *
 * Streaming is for 1:1 chats only (same page: "Streaming bot messages are supported only in
 * one-on-one chats"), so a group chat or a channel gets no placeholder: the typing indicator
 * (the responder's `typing`, repeated every few seconds) shows the bot is working there, and the
 * answer is posted as before.
 */
export const teamsStreamEveryMs = 1_000;

/** What the placeholder needs from the Teams adapter, bound to one turn's 1:1 conversation. */
export interface TeamsTurnPosting {
  thread: ThreadRef;
  /** Sends an activity into the turn's conversation; the id Teams gave it. */
  send: (activity: Partial<Activity>) => Promise<string>;
  /** Posts a card as a plain message (the answer when Teams refuses the stream's end). */
  post: (card: Card) => Promise<MessageRef>;
  render: (card: Card) => Promise<AdaptiveCard>;
  /** Keeps a card with buttons for later refreshes (rendered-cards.ts). */
  remember: (messageId: string, rendered: AdaptiveCard) => Promise<void>;
  stopTyping: () => void;
  clock: Clock;
  logger: Logger;
}

type StreamInfo =
  | { type: "streaminfo"; streamType: "informative"; streamSequence: number }
  | { type: "streaminfo"; streamId: string; streamType: "streaming"; streamSequence: number }
  | { type: "streaminfo"; streamId: string; streamType: "final" };

/** The placeholder half of a turn's Responder in a Teams 1:1 chat: the stream. */
export function teamsPlaceholder(o: TeamsTurnPosting): Pick<Responder, "placeholder" | "replace"> {
  let sequence = 0;
  let streamed = "";
  let lastSentAt = Number.NEGATIVE_INFINITY;
  /** Waits out Teams' one-request-a-second for the stream. */
  const paced = async () => {
    const wait = lastSentAt + teamsStreamEveryMs - o.clock.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lastSentAt = o.clock.now();
  };
  const typing = (text: string, info: StreamInfo): Partial<Activity> => ({
    type: "typing",
    text,
    ...streamFields(info),
  });

  return {
    placeholder: async (text) => {
      await paced();
      sequence = 1;
      const streamId = await o.send(
        typing(text, { type: "streaminfo", streamType: "informative", streamSequence: sequence }),
      );
      return { thread: o.thread, messageId: streamId };
    },
    replace: async (placeholder, card, options = {}) => {
      if (options.draft === true) {
        const text = cardToText(card);
        // Teams refuses a streamed text that does not continue the last one; the next draft or
        // the final message shows it instead.
        if (!text.startsWith(streamed) || text === streamed) return placeholder;
        await paced();
        // A redelivered turn finishing an earlier worker's stream goes on after its informative update.
        sequence = Math.max(sequence, 1) + 1;
        await o.send(
          typing(text, {
            type: "streaminfo",
            streamId: placeholder.messageId,
            streamType: "streaming",
            streamSequence: sequence,
          }),
        );
        streamed = text;
        return placeholder;
      }
      o.stopTyping();
      const rendered = await o.render(card);
      await paced();
      let id: string;
      try {
        id = await o.send({
          type: "message",
          summary: rendered.fallbackText,
          attachments: [{ contentType: adaptiveCardContentType, content: rendered }],
          ...streamFields({ type: "streaminfo", streamId: placeholder.messageId, streamType: "final" }),
        });
      } catch (error) {
        // An ended or unknown stream (its worker died long ago): the answer as its own message.
        o.logger.warn("Teams refused the stream's final message; posting the answer as a message", { error });
        return o.post(card);
      }
      const messageId = id || placeholder.messageId;
      if (cardButtons(card).length > 0) await o.remember(messageId, rendered);
      return { thread: o.thread, messageId };
    },
  };
}

/**
 * The stream's fields on an activity: the `streaminfo` entity Teams documents, and the same in
 * `channelData`, because botframework-connector serialises an entity through its Entity
 * mapper, which keeps only `type` (the Teams AI library's StreamingResponse sends both too).
 */
function streamFields(info: StreamInfo): Pick<Partial<Activity>, "entities" | "channelData"> {
  const { type: _type, ...fields } = info;
  return { entities: [info as unknown as NonNullable<Activity["entities"]>[number]], channelData: fields };
}
