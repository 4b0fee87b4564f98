import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { type InstallURLOptions, InvalidStateError, type StateStore } from "@slack/oauth";
import type { Store } from "../../../src/core/store.ts";

/** How long an install link stays usable: the state cookie's lifetime in InstallProvider (10 minutes). */
export const stateTtlSeconds = 600;

const stateKey = (id: string) => `slack:oauth-state:${id}`;

interface StoredState {
  issuedAt: number;
  installOptions: InstallURLOptions;
}

/**
 * OAuth `state` values (https://docs.slack.dev/authentication/installing-with-oauth): a random
 * id signed with SLACK_STATE_SECRET, remembered in the Store with a TTL and consumed on first
 * use. A forged value fails the signature without a Store round trip; an expired one is gone
 * from the Store; a second use loses the atomic delete. InstallProvider also binds the value to
 * the installing browser with a cookie, so a link sent to someone else fails too.
 */
export class StoreStateStore implements StateStore {
  readonly #store: Store;
  readonly #secret: string;
  readonly #ttlSeconds: number;

  constructor(options: { store: Store; secret: string; ttlSeconds?: number }) {
    this.#store = options.store;
    this.#secret = options.secret;
    this.#ttlSeconds = options.ttlSeconds ?? stateTtlSeconds;
  }

  #sign(id: string): string {
    return createHmac("sha256", this.#secret).update(id).digest("base64url");
  }

  async generateStateParam(installOptions: InstallURLOptions, now: Date): Promise<string> {
    const id = randomBytes(18).toString("base64url");
    const record: StoredState = { issuedAt: now.getTime(), installOptions };
    await this.#store.set(stateKey(id), JSON.stringify(record), { ttlMs: this.#ttlSeconds * 1000 });
    return `${id}.${this.#sign(id)}`;
  }

  async verifyStateParam(now: Date, state: string): Promise<InstallURLOptions> {
    const [id, signature, ...rest] = state.split(".");
    if (!id || !signature || rest.length > 0 || !this.#signatureMatches(id, signature)) {
      throw new InvalidStateError("The state parameter was not issued by this app.");
    }
    const key = stateKey(id);
    const raw = await this.#store.get(key);
    // Only one caller deletes it: a state replayed concurrently is refused to all but one.
    if (raw === undefined || !(await this.#store.deleteIfEquals(key, raw))) {
      throw new InvalidStateError("The state parameter has expired or was already used.");
    }
    const record = JSON.parse(raw) as StoredState;
    if (now.getTime() - record.issuedAt > this.#ttlSeconds * 1000) {
      throw new InvalidStateError("The state parameter has expired or was already used.");
    }
    return record.installOptions;
  }

  #signatureMatches(id: string, signature: string): boolean {
    const expected = Buffer.from(this.#sign(id));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
