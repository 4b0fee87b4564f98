/**
 * "remind me about <customer> tomorrow at 9", "my reminders", "cancel reminder 2" (issue 16,
 * item 9). A reminder is a record in the Store, numbered per person; a sweep on every replica
 * posts the due ones back into the thread they were asked in. Exactly one replica posts each:
 * the same claim the scheduler's slot locks use (Store.setIfAbsent, true for exactly one caller),
 * released again when the post fails so the next sweep retries.
 */
import { randomUUID } from "node:crypto";
import { type Card, textCard } from "../core/card.ts";
import type { ChatAdapter, ChatUser } from "../core/chat.ts";
import type { Clock } from "../core/clock.ts";
import { toDaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { Principal } from "../core/principal.ts";
import type { Store } from "../core/store.ts";
import type { Platform, ThreadRef } from "../core/thread.ts";
import { formatWhen, parseWhen } from "./reminder-time.ts";

export interface Reminder {
  /** Per person, from 1: what "cancel reminder 2" names. */
  number: number;
  principalId: string;
  /** The person's configured name: who the reminder is for, in the thread. */
  name: string;
  user: ChatUser;
  /** Where it was asked, and where it is delivered. */
  thread: ThreadRef;
  about: string;
  dueAt: number;
  timeZone: string;
  createdAt: number;
}

export interface RemindersOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The person's IANA timezone: their own from the org config, else the organisation's. */
  timeZoneOf(principal: Principal): string;
  prefix?: string;
}

const listWords =
  /^\s*(?:(?:show|list)\s+)?(?:my\s+)?reminders\??\s*$|^\s*(?:what are|show me|list)\s+my\s+reminders\??\s*$/i;
const cancelWords = /^\s*(?:cancel|delete|remove|drop)\s+(?:my\s+)?reminder\s+#?(\d{1,4})\s*$/i;
const remindWords = /^\s*(?:please\s+)?(?:can you\s+)?remind me\b/i;
const recurring = /\b(every|each|daily|weekly|monthly|weekdays|recurring)\b/i;

/** How long a delivered reminder's claim is kept: far past any replica's sweep or clock skew. */
const CLAIM_TTL_MS = 7 * 24 * 3_600_000;

export class Reminders {
  readonly #o: RemindersOptions;
  readonly #prefix: string;

  constructor(options: RemindersOptions) {
    this.#o = options;
    this.#prefix = options.prefix ?? "reminders:";
  }

  #userKey(principalId: string): string {
    return `${this.#prefix}user:${principalId}`;
  }

  get #dueKey(): string {
    return `${this.#prefix}due`;
  }

  /** The reply to a reminder command, or undefined when the text is no reminder command. */
  async handle(text: string, principal: Principal, thread: ThreadRef): Promise<Card | undefined> {
    if (listWords.test(text)) return this.#list(principal);
    const cancel = cancelWords.exec(text);
    if (cancel) return this.#cancel(principal, Number(cancel[1]));
    if (remindWords.test(text)) return this.#create(text, principal, thread);
    return undefined;
  }

  async #create(text: string, principal: Principal, thread: ThreadRef): Promise<Card> {
    const timeZone = this.#o.timeZoneOf(principal);
    const now = this.#o.clock.now();
    if (recurring.test(text)) {
      return textCard(
        "I can't set repeating reminders. I can remind you once: _remind me about <something> tomorrow at 9_. The digests post on their own schedule.",
      );
    }
    const when = parseWhen(text, now, timeZone);
    let about = text.replace(remindWords, "");
    for (const m of when?.matched ?? []) about = about.replace(new RegExp(escapeRegExp(m), "i"), " ");
    about = about
      .replace(/^\s*(?:about|to|of|that)\s+/i, "")
      .replace(/\s+(?:on|at|in)\s*$/i, "")
      .replace(/\s+/g, " ")
      .replace(/[\s.?!,]+$/, "")
      .trim();
    if (!when || about === "") {
      return textCard(
        `Tell me what and when, for example _remind me about the renewal tomorrow at 9_ or _remind me to send the report on Friday at 14:00_ (times are in ${timeZone}).`,
      );
    }
    if (when.at <= now)
      return textCard(
        `That time has passed (${formatWhen(when.at, timeZone, principal.chatUser.locale)}, ${timeZone}).`,
      );
    const number = await this.#o.store.increment(`${this.#prefix}seq:${principal.id}`);
    const reminder: Reminder = {
      number,
      principalId: principal.id,
      name: principal.name,
      user: principal.chatUser,
      thread,
      about,
      dueAt: when.at,
      timeZone,
      createdAt: now,
    };
    const json = JSON.stringify(reminder);
    await this.#o.store.mapSet(this.#userKey(principal.id), String(number), json);
    await this.#o.store.mapSet(this.#dueKey, `${principal.id}:${number}`, json);
    return textCard(
      `I'll remind you about **${about}** on ${formatWhen(when.at, timeZone, principal.chatUser.locale)} (${timeZone}). Reminder ${number}; _my reminders_ lists them, _cancel reminder ${number}_ removes it.`,
    );
  }

  /** This person's reminders not yet delivered, soonest first. */
  async pending(principalId: string): Promise<Reminder[]> {
    const all = Object.values(await this.#o.store.mapGetAll(this.#userKey(principalId))).map(
      (v) => JSON.parse(v) as Reminder,
    );
    return all.sort((a, b) => a.dueAt - b.dueAt || a.number - b.number);
  }

  async #list(principal: Principal): Promise<Card> {
    const mine = await this.pending(principal.id);
    if (mine.length === 0) return textCard("You have no reminders. Ask _remind me about <something> tomorrow at 9_.");
    return {
      blocks: [
        { type: "text", text: `You have ${mine.length === 1 ? "1 reminder" : `${mine.length} reminders`}:` },
        {
          type: "list",
          items: mine.map((r) => ({
            title: `${r.number}. ${r.about}`,
            meta: `${formatWhen(r.dueAt, r.timeZone, r.user.locale)} (${r.timeZone})`,
          })),
        },
        { type: "context", text: "cancel reminder <number> removes one" },
      ],
    };
  }

  async #cancel(principal: Principal, number: number): Promise<Card> {
    const raw = await this.#o.store.mapGet(this.#userKey(principal.id), String(number));
    if (!raw) return textCard(`You have no reminder ${number}. _my reminders_ lists yours.`);
    const reminder = JSON.parse(raw) as Reminder;
    await this.#o.store.mapDelete(this.#dueKey, `${principal.id}:${number}`);
    await this.#o.store.mapDelete(this.#userKey(principal.id), String(number));
    return textCard(
      `Cancelled reminder ${number} (${reminder.about}, ${formatWhen(reminder.dueAt, reminder.timeZone, reminder.user.locale)}).`,
    );
  }

  /**
   * Posts every due reminder once across replicas; returns how many this replica posted. Safe
   * to run on every replica at once: each reminder's claim is taken by exactly one.
   */
  async deliverDue(adapters: Partial<Record<Platform, ChatAdapter>>): Promise<number> {
    const now = this.#o.clock.now();
    const due = Object.entries(await this.#o.store.mapGetAll(this.#dueKey))
      .map(([field, v]) => ({ field, reminder: JSON.parse(v) as Reminder }))
      .filter((d) => d.reminder.dueAt <= now)
      .sort((a, b) => a.reminder.dueAt - b.reminder.dueAt);
    let posted = 0;
    for (const { field, reminder } of due) {
      const claimKey = `${this.#prefix}claim:${field}:${reminder.createdAt}`;
      const token = randomUUID();
      if (!(await this.#o.store.setIfAbsent(claimKey, token, { ttlMs: CLAIM_TTL_MS }))) continue;
      const adapter = adapters[reminder.thread.platform];
      try {
        if (!adapter) throw new Error(`no ${reminder.thread.platform} adapter`);
        // By name: the card model has no mentions (renderers show text literally), and the
        // person follows the thread they asked in, so its reply notifies them.
        await adapter.post(
          reminder.thread,
          textCard(
            `Reminder for ${reminder.name}: **${reminder.about}**`,
            `set ${formatWhen(reminder.createdAt, reminder.timeZone, reminder.user.locale)} · reminder ${reminder.number}`,
          ),
        );
        await this.#o.store.mapDelete(this.#dueKey, field);
        await this.#o.store.mapDelete(this.#userKey(reminder.principalId), String(reminder.number));
        posted++;
      } catch (error) {
        // Released, so the next sweep (here or on another replica) tries again.
        await this.#o.store.deleteIfEquals(claimKey, token).catch(() => false);
        this.#o.logger.warn("reminder not delivered; retrying on the next sweep", {
          code: toDaybookError(error).code,
          platform: reminder.thread.platform,
        });
      }
    }
    return posted;
  }

  /** Sweeps every `everyMs` until stopped (unref'd: never keeps a process alive). */
  start(adapters: Partial<Record<Platform, ChatAdapter>>, everyMs = 30_000): () => void {
    const timer = setInterval(() => {
      this.deliverDue(adapters).catch((error: unknown) =>
        this.#o.logger.warn("reminder sweep failed", { code: toDaybookError(error).code }),
      );
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
