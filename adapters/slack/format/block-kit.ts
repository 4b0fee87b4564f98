import { APPROVE_ACTION_ID } from "../../../src/core/action-ids.ts";
import {
  type ButtonConfirm,
  type Card,
  type CardBlock,
  type CardButton,
  type CardListItem,
  cardToText,
  EMPTY_VERBATIM,
  fallbackText,
  visibleText,
  visibleWhitespace,
} from "../../../src/core/card.ts";
import { slackLimits as L, splitText, splitVerbatim, truncate } from "./limits.ts";
import { escapeMrkdwn, mrkdwnLink, toMrkdwn } from "./markdown.ts";

/** The subset of Block Kit daybook emits (https://docs.slack.dev/reference/block-kit/blocks). */
export interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: "mrkdwn";
  text: string;
}
export interface SlackButton {
  type: "button";
  action_id: string;
  text: PlainText;
  value: string;
  style?: "primary" | "danger";
  confirm?: {
    title: PlainText;
    text: PlainText;
    confirm: PlainText;
    deny: PlainText;
    style?: "primary" | "danger";
  };
}
export type SlackBlock =
  | { type: "header"; text: PlainText }
  | { type: "section"; text: Mrkdwn | PlainText }
  | { type: "section"; fields: Mrkdwn[] }
  | { type: "context"; elements: Mrkdwn[] }
  | { type: "divider" }
  | { type: "actions"; elements: SlackButton[] };

export interface SlackMessage {
  /** Notification and accessibility fallback; Slack shows it where blocks cannot render. */
  text: string;
  blocks: SlackBlock[];
}

const plain = (text: string): PlainText => ({ type: "plain_text", text, emoji: true });
const mrkdwn = (text: string): Mrkdwn => ({ type: "mrkdwn", text });
/**
 * plain_text is never parsed for mrkdwn, links, mentions or (with emoji: false) emoji codes,
 * unlike mrkdwn, which has no escape for `*_~` and quotes
 * (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
 */
const literal = (text: string): PlainText => ({ type: "plain_text", text, emoji: false });

/**
 * Action ids must be unique within a block (Slack rejects the message otherwise), so a
 * repeated id gets a `:n` suffix; `baseActionId` strips it when the click comes back.
 */
export function baseActionId(actionId: string): string {
  return actionId.replace(/:\d+$/, "");
}

function confirmDialog(c: ButtonConfirm, style: SlackButton["style"]): NonNullable<SlackButton["confirm"]> {
  return {
    title: plain(truncate(c.title.trim() || "Are you sure?", L.confirmTitle)),
    text: plain(truncate(c.text.trim() || "Please confirm.", L.confirmText)),
    confirm: plain(truncate(c.confirm.trim() || "Confirm", L.confirmButton)),
    deny: plain(truncate(c.deny.trim() || "Cancel", L.confirmButton)),
    ...(style ? { style } : {}),
  };
}

function button(b: CardButton, actionId: string): SlackButton {
  const style = b.style === "primary" || b.style === "danger" ? b.style : undefined;
  return {
    type: "button",
    action_id: actionId,
    text: plain(truncate(b.label.trim() || "Open", L.buttonText)),
    value: b.value,
    ...(style ? { style } : {}),
    ...(b.confirm ? { confirm: confirmDialog(b.confirm, style) } : {}),
  };
}

/** One actions block per `buttonsPerRow` buttons; buttons whose value cannot fit are dropped. */
function actionBlocks(buttons: CardButton[], notes: string[]): SlackBlock[] {
  const usable = buttons.filter((b) => {
    // A truncated value would route the click to the wrong record, so drop the button.
    const ok = b.value.length <= L.buttonValue && b.actionId.length <= L.actionId - 4;
    if (!ok) notes.push(`"${truncate(b.label, 40)}" could not be shown here.`);
    return ok;
  });
  const blocks: SlackBlock[] = [];
  for (let i = 0; i < usable.length; i += L.buttonsPerRow) {
    const seen = new Map<string, number>();
    const elements = usable.slice(i, i + L.buttonsPerRow).map((b) => {
      const n = seen.get(b.actionId) ?? 0;
      seen.set(b.actionId, n + 1);
      return button(b, n === 0 ? b.actionId : `${b.actionId}:${n}`);
    });
    blocks.push({ type: "actions", elements });
  }
  return blocks;
}

function textSections(markdown: string): SlackBlock[] {
  const text = toMrkdwn(markdown);
  if (text.trim() === "") return [];
  return splitText(text, L.sectionText).map((chunk) => ({ type: "section", text: mrkdwn(chunk) }));
}

function itemLine(item: CardListItem): string {
  const title = item.url ? mrkdwnLink(item.url, item.title) : `*${toMrkdwn(item.title)}*`;
  const parts = [title];
  if (item.text) parts.push(toMrkdwn(item.text));
  let line = `• ${parts.join(" — ")}`;
  if (item.meta) line += ` _(${toMrkdwn(item.meta)})_`;
  return truncate(line, L.sectionText);
}

/** Packs list rows into as few sections as fit; a row with buttons gets its own actions. */
function listBlocks(title: string | undefined, items: CardListItem[], notes: string[]): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  let pending: string[] = title ? [`*${toMrkdwn(title)}*`] : [];
  const flush = () => {
    if (pending.length > 0) blocks.push({ type: "section", text: mrkdwn(pending.join("\n")) });
    pending = [];
  };
  for (const item of items) {
    const line = itemLine(item);
    if (pending.join("\n").length + line.length + 1 > L.sectionText) flush();
    pending.push(line);
    if (item.buttons && item.buttons.length > 0) {
      flush();
      blocks.push(...actionBlocks(item.buttons, notes));
    }
  }
  flush();
  return blocks;
}

function fieldBlocks(fields: { label: string; value: string }[]): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  for (let i = 0; i < fields.length; i += L.sectionFields) {
    blocks.push({
      type: "section",
      fields: fields
        .slice(i, i + L.sectionFields)
        .map((f) => mrkdwn(truncate(`*${toMrkdwn(f.label)}*\n${toMrkdwn(f.value)}`, L.fieldText))),
    });
  }
  return blocks;
}

/**
 * A verbatim value as plain_text sections of at most 3,000 characters whose texts join to
 * exactly `visibleText(value)`; a chunk that would be blank (Slack rejects those) shows its
 * whitespace as escapes. When the card cannot fit the message (`tooLong`), only its size.
 */
function verbatimBlocks(block: Extract<CardBlock, { type: "verbatim" }>, tooLong: boolean): SlackBlock[] {
  const label = block.label?.replace(/[*_~`]/g, "").trim();
  if (tooLong) {
    const size = `⟨${block.text.length} characters: too long to show here⟩`;
    return [{ type: "section", text: literal(label ? `${truncate(label, 200)}: ${size}` : size) }];
  }
  const blocks: SlackBlock[] = [];
  if (label) blocks.push({ type: "section", text: mrkdwn(`*${truncate(escapeMrkdwn(label), L.sectionText - 2)}*`) });
  const shown = block.text === "" ? EMPTY_VERBATIM : visibleText(block.text);
  for (const chunk of splitVerbatim(shown, L.sectionText)) {
    const parts = chunk.trim() === "" ? splitVerbatim(visibleWhitespace(chunk), L.sectionText) : [chunk];
    for (const part of parts) blocks.push({ type: "section", text: literal(part) });
  }
  return blocks;
}

/** Joins consecutive plain_text sections into as few as fit (the sizes of values too long to show). */
function mergePlainSections(blocks: SlackBlock[]): SlackBlock[] {
  const out: SlackBlock[] = [];
  for (const block of blocks) {
    const last = out.at(-1);
    if (
      block.type === "section" &&
      "text" in block &&
      block.text.type === "plain_text" &&
      last?.type === "section" &&
      "text" in last &&
      last.text.type === "plain_text" &&
      last.text.text.length + block.text.text.length + 1 <= L.sectionText
    ) {
      out[out.length - 1] = { type: "section", text: literal(`${last.text.text}\n${block.text.text}`) };
    } else {
      out.push(block);
    }
  }
  return out;
}

/** Keeps the message under the block limit: the tail becomes one "more" line. */
function capBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= L.blocksPerMessage) return blocks;
  const kept = blocks.slice(0, L.blocksPerMessage - 1);
  const hidden = blocks.length - kept.length;
  // Buttons beyond the cut would vanish silently; say so, so nobody waits for a card that is not there.
  const hiddenButtons = blocks
    .slice(kept.length)
    .reduce((n, b) => n + (b.type === "actions" ? b.elements.length : 0), 0);
  const more = `…and ${hidden} more block${hidden === 1 ? "" : "s"} not shown${hiddenButtons > 0 ? ` (including ${hiddenButtons} button${hiddenButtons === 1 ? "" : "s"})` : ""}. Ask in the thread for the rest.`;
  kept.push({ type: "context", elements: [mrkdwn(more)] });
  return kept;
}

/** The text characters of a message's blocks, as Slack's cumulative limit counts them (roughly). */
export function textLength(blocks: SlackBlock[]): number {
  let n = 0;
  for (const b of blocks) {
    if (b.type === "header") n += b.text.text.length;
    if (b.type === "section") n += "text" in b ? b.text.text.length : b.fields.reduce((m, f) => m + f.text.length, 0);
    if (b.type === "context") n += b.elements.reduce((m, e) => m + e.text.length, 0);
    if (b.type === "actions") {
      for (const e of b.elements) {
        n += e.text.text.length + (e.confirm ? e.confirm.title.text.length + e.confirm.text.text.length : 0);
      }
    }
  }
  return n;
}

/** Renders a core Card to a Block Kit message that stays within every Slack limit. */
export function renderCard(card: Card): SlackMessage {
  let blocks = renderBlocks(card, false);
  const overflows = blocks.length > L.blocksPerMessage || textLength(blocks) > L.messageText;
  if (overflows && card.blocks.some((b) => b.type === "verbatim")) {
    // Verbatim values are never cut; one that cannot fit is not shown in part either, and
    // nobody may approve what they could not read (ARCHITECTURE.md, decision 9).
    blocks = renderBlocks(card, true);
  }
  const text = truncate(escapeMrkdwn(fallbackText(card) || cardToText(card) || "daybook"), L.fallbackText);
  return { text, blocks: capBlocks(blocks) };
}

function renderBlocks(card: Card, tooLong: boolean): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  const notes: string[] = [];
  if (card.header?.trim()) blocks.push({ type: "header", text: plain(truncate(card.header.trim(), L.headerText)) });
  if (tooLong) {
    const note = "This change is too long for a Slack message to show in full, so it cannot be approved here.";
    blocks.push({ type: "context", elements: [mrkdwn(note)] });
  }
  for (const block of card.blocks) {
    switch (block.type) {
      case "text":
        blocks.push(...textSections(block.text));
        break;
      case "fields":
        blocks.push(...fieldBlocks(block.fields));
        break;
      case "list":
        blocks.push(...listBlocks(block.title, block.items, notes));
        break;
      case "actions": {
        const buttons = tooLong ? block.buttons.filter((b) => b.actionId !== APPROVE_ACTION_ID) : block.buttons;
        if (buttons.length > 0) blocks.push(...actionBlocks(buttons, notes));
        break;
      }
      case "context":
        // Slack rejects empty text objects, so an empty context line is dropped.
        if (block.text.trim() !== "") {
          blocks.push({ type: "context", elements: [mrkdwn(truncate(toMrkdwn(block.text), L.contextText))] });
        }
        break;
      case "divider":
        blocks.push({ type: "divider" });
        break;
      case "verbatim":
        blocks.push(...verbatimBlocks(block, tooLong));
        break;
    }
  }
  if (notes.length > 0) {
    blocks.push({ type: "context", elements: [mrkdwn(truncate(notes.join(" "), L.contextText))] });
  }
  return tooLong ? mergePlainSections(blocks) : blocks;
}
