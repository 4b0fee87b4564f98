/**
 * Seeded generators for the HTTP fuzz (test/http-fuzz.test.ts): a failure names its seed and
 * request number, and FUZZ_SEED=<seed> replays the same requests.
 */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }

  /** mulberry32: small, fast, and good enough to pick among cases. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((sum, [w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [w, value] of items) {
      roll -= w;
      if (roll < 0) return value;
    }
    return (items.at(-1) as readonly [number, T])[1];
  }
}

const alphabet = [
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  ..." _-.:;,!?#@&<>\"'`{}[]()=+*%$^~|\\",
  "\u0000",
  "\u200b",
  "\u202e",
  "é",
  "漢",
  "🙂",
  "\n",
  "\r",
  "\t",
];

/** A random string that always carries the payload marker, so a log line echoing it is found. */
export function randomString(rng: Rng, maxLength = 40): string {
  const chars = Array.from({ length: rng.int(maxLength) }, () => rng.pick(alphabet));
  // Inserted between characters, never inside a surrogate pair.
  chars.splice(rng.int(chars.length + 1), 0, "zq7");
  return chars.join("");
}

/** Keys Slack, Bolt and botbuilder route on, plus noise. */
const keys = [
  "type",
  "event",
  "event_id",
  "command",
  "actions",
  "action_id",
  "value",
  "user",
  "id",
  "team",
  "team_id",
  "channel",
  "channel_id",
  "container",
  "message",
  "ts",
  "thread_ts",
  "text",
  "name",
  "view",
  "response_url",
  "challenge",
  "authorizations",
  "item",
  "subteam",
  "assistant_thread",
  "serviceUrl",
  "conversation",
  "from",
  "recipient",
  "channelId",
  "entities",
  "verb",
  "data",
  "constructor",
  "zq7",
];
const typeValues = [
  "block_actions",
  "view_submission",
  "view_closed",
  "shortcut",
  "message_action",
  "block_suggestion",
  "interactive_message",
  "dialog_submission",
  "event_callback",
  "url_verification",
  "app_rate_limited",
  "app_mention",
  "message",
  "invoke",
  "conversationUpdate",
  "Action.Execute",
];

/** A random JSON value, biased toward the keys and type names the routes look at. */
export function randomJson(rng: Rng, depth = 0): unknown {
  const roll = rng.int(depth > 3 ? 6 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 53, Number.MAX_VALUE, 1e-300, 7777]);
    case 3:
      return rng.pick(typeValues);
    case 4:
    case 5:
      return randomString(rng);
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      const n = rng.int(6);
      for (let i = 0; i < n; i++) out[rng.pick(keys)] = randomJson(rng, depth + 1);
      if (depth === 0 && rng.chance(0.7)) out.type = rng.pick(typeValues);
      return out;
    }
  }
}

/** A body that is not JSON: truncated JSON, bytes, form noise. */
export function randomText(rng: Rng): string {
  return rng.weighted<() => string>([
    [3, () => JSON.stringify(randomJson(rng)).slice(0, rng.int(60))],
    [2, () => randomString(rng, 200)],
    [2, () => new URLSearchParams({ [rng.pick(keys)]: randomString(rng) }).toString()],
    [1, () => `payload=${encodeURIComponent(JSON.stringify(randomJson(rng)))}`],
    [1, () => `payload=${randomString(rng)}`],
    [1, () => ""],
  ])();
}
