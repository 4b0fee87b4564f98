import type { Card } from "./card.ts";
import type { ChatFile } from "./files.ts";
import type { Platform, ThreadRef } from "./thread.ts";

/** A person as the chat platform identifies them. */
export interface ChatUser {
  platform: Platform;
  /** Slack user id (U...), Teams AAD object id or 29:... id, console user name. */
  id: string;
  /** Other ids the platform gives the same person (Teams: the 29: id next to the AAD object id). */
  aliases?: string[];
  /** Display name from the platform (Slack users.info, the Teams activity or member info). */
  name?: string;
  /** IANA zone the platform reports for them (Slack users.info `tz`, Teams `localTimezone`). */
  timeZone?: string;
  /** BCP 47 locale the platform reports (Slack users.info `locale`, Teams activity `locale`). */
  locale?: string;
}

/** A message addressed to daybook, already stripped of the bot mention. */
export interface IncomingMessage {
  thread: ThreadRef;
  user: ChatUser;
  text: string;
  /** Platform message id (Slack ts, Teams activity id) when known. */
  messageId?: string;
  receivedAt: number;
}

/** A message daybook posted: enough to update it later. */
export interface MessageRef {
  thread: ThreadRef;
  messageId: string;
}

/** Proof that a post reached the platform (digests count only receipted posts). */
export interface DeliveryReceipt extends MessageRef {
  platform: Platform;
  postedAt: number;
}

/**
 * What the bot core needs from a platform. `thread.thread === ""` posts at the channel's top
 * level (digests); otherwise into the thread.
 */
export interface ChatAdapter {
  readonly platform: Platform;
  post(thread: ThreadRef, card: Card): Promise<DeliveryReceipt>;
  update(message: MessageRef, card: Card): Promise<void>;
  /**
   * Posts a file (a chart, an export) into the thread, or at the channel's top level when
   * `thread.thread === ""`. Absent: the platform cannot carry files; callers post
   * `file.fallbackText` instead.
   */
  postFile?(thread: ThreadRef, file: ChatFile): Promise<MessageRef>;
  /** A notice only `user` sees (Slack ephemeral); adapters without one post in the thread. */
  notify(thread: ThreadRef, user: ChatUser, text: string): Promise<void>;
  /**
   * Rebuilds the Responder an adapter handed out with this address (a queued turn's reply).
   * `tag` marks what it posts so `findTagged` can find it again (Slack: message metadata).
   */
  responderFor?(address: ReplyAddress, options?: { tag?: string }): Responder;
  /**
   * A post made by a responder with this `tag`, if it is in the address's thread: a worker
   * that died between posting a turn's answer and recording it leaves the next worker this
   * way to tell. Absent when the platform cannot search its threads.
   */
  findTagged?(address: ReplyAddress, tag: string): Promise<TaggedPost | undefined>;
  /**
   * Who can read the conversation (ARCHITECTURE.md, decision 8): a direct conversation, or the
   * members of a shared one. Throws when the platform cannot say; callers then fail closed.
   * Absent: the platform has no members to ask (the console).
   */
  audience?(thread: ThreadRef): Promise<ThreadAudience>;
}

/** A post `findTagged` found; `placeholder` while it still is a turn's "Working on it…" post. */
export interface TaggedPost extends MessageRef {
  placeholder?: boolean;
}

/** One member of a conversation: every platform id they go by (any may be the configured one). */
export interface ChannelMember {
  ids: string[];
  name?: string;
}

/**
 * Who reads a conversation. `direct`: only the person talking to daybook (a Slack DM, a Teams
 * personal chat, the console); `shared`: everyone in `members` (daybook itself left out).
 */
export type ThreadAudience = { kind: "direct" } | { kind: "shared"; members: ChannelMember[] };

/**
 * Where and how to answer a turn, as data: the work queue stores it with the message, and a
 * worker in any process turns it back into a Responder with `ChatAdapter.responderFor`.
 * `via` is the adapter's own detail (assistant-thread status, a slash command's
 * response_url, a Teams conversation reference), JSON-serialisable.
 */
export interface ReplyAddress {
  platform: Platform;
  thread: ThreadRef;
  via?: Record<string, string | boolean>;
}

/** How the bot answers within one conversation turn, bound to the incoming thread. */
export interface Responder {
  reply(card: Card): Promise<MessageRef>;
  /** Posts a file into the turn's thread (ChatAdapter.postFile); absent where files cannot go. */
  replyFile?(file: ChatFile): Promise<MessageRef>;
  /**
   * Posts the turn's placeholder ("Working on it…"), tagged as `reply` tags its posts but marked
   * as a placeholder, for the answer to replace. Absent when the address asked for none (an
   * assistant thread shows a status line instead, a response_url answer cannot be edited).
   */
  placeholder?(text: string): Promise<MessageRef>;
  /** Replaces a placeholder with `card`; `draft`: it stays a placeholder (a partial, streamed answer). */
  replace?(placeholder: MessageRef, card: Card, options?: { draft?: boolean }): Promise<MessageRef>;
  /**
   * Shows the answer so far (tokens streamed by a real model) in the turn's placeholder;
   * best effort, rate-limited by whoever implements it. Absent: nothing is shown until `reply`.
   */
  draft?(text: string): void;
  /** "thinking..." / typing indicator; best effort. */
  typing?(): Promise<void>;
  /** Set by adapters whose turns may run in another process (queued); absent: answer inline. */
  readonly address?: ReplyAddress;
  /** Who can read the thread `reply` posts into (ChatAdapter.audience for this turn's thread). */
  audience?(): Promise<ThreadAudience>;
  /**
   * Delivers the card to `user` alone (a Slack DM, a Teams 1:1 chat): for an answer the
   * thread's readers may not see. The returned ref is where it went, to update it later.
   */
  replyPrivately?(user: ChatUser, card: Card): Promise<MessageRef>;
}

/** How adapters hand a received message to the bot core. */
export type MessageHandler = (message: IncomingMessage, responder: Responder) => Promise<void>;

/** A button press, already verified and parsed by the adapter. */
export interface ButtonClick {
  actionId: string;
  value: string;
  user: ChatUser;
  thread: ThreadRef;
  /** The message that carried the button, to update it. */
  message?: MessageRef;
}

/**
 * What the adapter should do after a click: replace the clicked card, show a notice only the
 * clicker sees, or nothing (the handler already posted what it needed in the thread).
 */
export type ClickResult = { kind: "update"; card: Card } | { kind: "notice"; text: string } | { kind: "none" };

/** How adapters hand a click to the bot core (src/bot/clicks.ts routes approvals and digest buttons). */
export type ClickHandler = (click: ButtonClick, responder: Responder) => Promise<ClickResult>;

/**
 * A message shortcut (Slack "Create a Jira issue from this message"): the message it was used
 * on, by whom, and the thread that message is in (`thread.thread` = its thread or its own ts).
 */
export interface MessageShortcut {
  callbackId: string;
  user: ChatUser;
  thread: ThreadRef;
  text: string;
}

/** Handles a shortcut after the adapter acked it; `responder` posts in `shortcut.thread`. */
export type ShortcutHandler = (shortcut: MessageShortcut, responder: Responder) => Promise<void>;
