import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Store } from "./store.ts";

/**
 * A file daybook posts in a thread: a chart (PNG), an export (CSV) or a document (a proposal as
 * Markdown and PDF). Adapters deliver it their
 * own way (Slack: upload v2 into the thread; Teams: an image or a link from a signed URL daybook
 * serves; console: a temp file whose path is printed).
 */
export type ChatFileType = "image/png" | "text/csv" | "text/markdown" | "application/pdf";

/** The Content-Type a file is served with: text types say their charset (daybook writes UTF-8). */
export function contentTypeOf(file: Pick<ChatFile, "mimeType">): string {
  return file.mimeType.startsWith("text/") ? `${file.mimeType}; charset=utf-8` : file.mimeType;
}

export interface ChatFile {
  /** File name with extension, e.g. "pnl-2026-11.csv". */
  name: string;
  mimeType: ChatFileType;
  bytes: Uint8Array;
  /** Shown above the file (Slack's title, Teams' link text). */
  title: string;
  /** What the picture shows, for screen readers (images only). */
  altText?: string;
  /** The same content as text, where the file cannot be shown (notifications, old clients). */
  fallbackText: string;
}

/** Stored form of a file: bytes as base64, everything else as it is. */
interface StoredFile extends Omit<ChatFile, "bytes"> {
  bytes: string;
}

/** How long a posted file stays downloadable from daybook (Teams links, tool hand-offs). */
export const FILE_TTL_MS = 24 * 60 * 60_000;

/**
 * Files kept in the Store for a while, under random ids: a tool hands a file to the reply this
 * way (a tool's result is text for the model, so it carries the id only), and Teams downloads
 * what a card links to from here. Expiry is the Store's TTL, so every replica sees the same set.
 */
export class FileShelf {
  readonly #store: Store;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(store: Store, options: { prefix?: string; ttlMs?: number } = {}) {
    this.#store = store;
    this.#prefix = options.prefix ?? "files:";
    this.#ttlMs = options.ttlMs ?? FILE_TTL_MS;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** Keeps the file and returns its id (URL-safe, unguessable). */
  async put(file: ChatFile): Promise<string> {
    const id = randomBytes(12).toString("base64url");
    const stored: StoredFile = { ...file, bytes: Buffer.from(file.bytes).toString("base64") };
    await this.#store.set(`${this.#prefix}${id}`, JSON.stringify(stored), { ttlMs: this.#ttlMs });
    return id;
  }

  async get(id: string): Promise<ChatFile | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    const raw = await this.#store.get(`${this.#prefix}${id}`);
    if (raw === undefined) return undefined;
    const stored = JSON.parse(raw) as StoredFile;
    return { ...stored, bytes: new Uint8Array(Buffer.from(stored.bytes, "base64")) };
  }
}

/** Key in a tool's JSON result naming files it put on the shelf: `{"files": [{"id", "name"}]}`. */
export const TOOL_FILES_KEY = "files";

/**
 * HMAC-SHA256 signed, expiring download links (`/files/<id>?exp=<epoch s>&sig=<hex>`): a
 * Teams client fetches a card's image or a CSV with no credentials of its own, so the link is
 * the credential; it names one file and stops working at `exp`.
 */
export class FileLinks {
  readonly #secret: string;
  readonly #baseUrl: string;

  constructor(options: { secret: string; baseUrl: string }) {
    this.#secret = options.secret;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  #sign(id: string, exp: number): string {
    return createHmac("sha256", this.#secret).update(`${id}.${exp}`).digest("hex");
  }

  url(id: string, expiresAtMs: number): string {
    const exp = Math.floor(expiresAtMs / 1000);
    return `${this.#baseUrl}/files/${encodeURIComponent(id)}?exp=${exp}&sig=${this.#sign(id, exp)}`;
  }

  /** True when `sig` is this server's signature of `id` and `exp`, and `exp` is still ahead of `nowMs`. */
  verify(id: string, exp: string | undefined, sig: string | undefined, nowMs: number): boolean {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp) || !/^[0-9a-f]{64}$/.test(sig)) return false;
    const expected = Buffer.from(this.#sign(id, Number(exp)), "hex");
    const given = Buffer.from(sig, "hex");
    if (!timingSafeEqual(expected, given)) return false;
    return Number(exp) * 1000 > nowMs;
  }
}
