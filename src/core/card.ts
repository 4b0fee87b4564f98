/**
 * The platform-neutral message model. Adapters render it to Block Kit, Adaptive Cards 1.5
 * or plain text and own each platform's limits (ARCHITECTURE.md, decision 3).
 *
 * Text uses a small Markdown subset every renderer understands: **bold**, _italic_,
 * `code`, [label](https://link), and lines starting with "- " for bullets, and time tokens
 * (`timeToken` in reader-time.ts) that each renderer shows in the reader's own zone.
 */
import { timeTokensAsUtc } from "./reader-time.ts";

export type ButtonStyle = "primary" | "danger" | "default";

export interface ButtonConfirm {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

export interface CardButton {
  /** Stable id the adapter routes on (e.g. APPROVE_ACTION_ID). */
  actionId: string;
  label: string;
  /** Opaque payload returned with the click, e.g. the approval id. Keep under 2,000 chars. */
  value: string;
  style?: ButtonStyle;
  confirm?: ButtonConfirm;
}

export interface CardField {
  label: string;
  value: string;
}

export interface CardListItem {
  title: string;
  text?: string;
  /** Short trailing detail such as an owner, an age or an amount. */
  meta?: string;
  url?: string;
  /** Optional per-row buttons (e.g. approve one close exception). */
  buttons?: CardButton[];
}

export type CardBlock =
  | { type: "text"; text: string }
  | { type: "fields"; fields: CardField[] }
  | { type: "list"; title?: string; items: CardListItem[] }
  | { type: "actions"; buttons: CardButton[] }
  | { type: "context"; text: string }
  | { type: "divider" }
  /**
   * A stored value shown exactly as it will be written (an approval's arguments): every
   * renderer shows it literally (no formatting, links, mentions or emoji), in full, never
   * cut, with invisible characters made visible (`visibleText`). ARCHITECTURE.md, decision 9.
   */
  | { type: "verbatim"; label?: string; text: string };

export interface Card {
  header?: string;
  blocks: CardBlock[];
  /** Plain text used for notifications and where blocks cannot render. Derived if absent. */
  fallbackText?: string;
}

export function textCard(text: string, context?: string): Card {
  const blocks: CardBlock[] = [{ type: "text", text }];
  if (context) blocks.push({ type: "context", text: context });
  return { blocks };
}

/**
 * Characters an approver could not see or that change how the text around them reads:
 * controls (except newline and tab), format characters (zero-width, bidi overrides and
 * isolates such as U+202E, tag characters), private-use, unassigned and lone surrogates,
 * line/paragraph separators, spaces other than U+0020, invisible "letters" (Hangul fillers,
 * blank braille). Also "⟨" itself, so the escape is reversible, and "&" where it starts an
 * HTML entity, which a client might decode for display ("&amp;lt;" must not read as "<").
 */
const invisible =
  /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u115F\u1160\u3164\uFFA0\u2800\u27E8]|&(?=#?[A-Za-z0-9]+;)/gu;

function codePointEscape(ch: string): string {
  return `⟨U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}⟩`;
}

/**
 * `text` with every character a reader could miss written as `⟨U+XXXX⟩` (U+202E becomes
 * "⟨U+202E⟩"); newline and tab stay. Reversible with `fromVisibleText`.
 */
export function visibleText(text: string): string {
  return text.replace(invisible, (ch) => (ch === "\n" || ch === "\t" ? ch : codePointEscape(ch)));
}

/** Escapes every whitespace character too: for a value (or part) that would otherwise look empty. */
export function visibleWhitespace(text: string): string {
  return text.replace(/\s/gu, codePointEscape);
}

/** The inverse of `visibleText` (and `visibleWhitespace`): what is stored, from what is shown. */
export function fromVisibleText(shown: string): string {
  return shown.replace(/⟨U\+([0-9A-F]{4,6})⟩/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)));
}

/** How a verbatim value reads when it is empty ("⟨" never appears unescaped in a value). */
export const EMPTY_VERBATIM = "⟨empty⟩";

/** Strips the Markdown subset to plain text. */
export function plainText(markdown: string): string {
  return timeTokensAsUtc(markdown)
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, "$1 ($2)")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/(^|[\s(])_([^_]+)_(?=$|[\s).,;:!?])/g, "$1$2")
    .replace(/`([^`]+)`/g, "$1");
}

/** A readable plain-text rendering of a whole card: console output and notification fallback. */
export function cardToText(card: Card): string {
  const lines: string[] = [];
  if (card.header) lines.push(card.header);
  for (const block of card.blocks) {
    switch (block.type) {
      case "text":
        lines.push(plainText(block.text));
        break;
      case "fields":
        for (const f of block.fields) lines.push(`${f.label}: ${plainText(f.value)}`);
        break;
      case "list":
        if (block.title) lines.push(plainText(block.title));
        for (const item of block.items) {
          const parts = [plainText(item.title)];
          if (item.text) parts.push(plainText(item.text));
          if (item.meta) parts.push(`(${plainText(item.meta)})`);
          lines.push(`- ${parts.join(" - ")}`);
          for (const b of item.buttons ?? []) lines.push(`    [${b.label}] ${b.value}`);
        }
        break;
      case "actions":
        lines.push(block.buttons.map((b) => `[${b.label}]`).join(" "));
        break;
      case "context":
        lines.push(plainText(block.text));
        break;
      case "divider":
        lines.push("---");
        break;
      case "verbatim": {
        const value = block.text === "" ? EMPTY_VERBATIM : visibleText(block.text);
        if (block.label === undefined) lines.push(value);
        else lines.push(value.includes("\n") ? `${block.label}:\n${value}` : `${block.label}: ${value}`);
        break;
      }
    }
  }
  return lines.join("\n");
}

export function fallbackText(card: Card): string {
  if (card.fallbackText) return timeTokensAsUtc(card.fallbackText);
  const first = card.header ?? card.blocks.find((b) => b.type === "text")?.text ?? "daybook";
  return plainText(first).slice(0, 300);
}

/** All buttons on a card, in order (block-level and per-row). */
export function cardButtons(card: Card): CardButton[] {
  const out: CardButton[] = [];
  for (const block of card.blocks) {
    if (block.type === "actions") out.push(...block.buttons);
    if (block.type === "list") for (const item of block.items) out.push(...(item.buttons ?? []));
  }
  return out;
}
