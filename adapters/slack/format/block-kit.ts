import {
  type ButtonConfirm,
  type Card,
  type CardButton,
  type CardListItem,
  cardToText,
  fallbackText,
} from "../../../src/core/card.ts";
import { slackLimits as L, splitText, truncate } from "./limits.ts";
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
  | { type: "section"; text: Mrkdwn }
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

/** Renders a core Card to a Block Kit message that stays within every Slack limit. */
export function renderCard(card: Card): SlackMessage {
  const blocks: SlackBlock[] = [];
  const notes: string[] = [];
  if (card.header?.trim()) blocks.push({ type: "header", text: plain(truncate(card.header.trim(), L.headerText)) });
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
      case "actions":
        blocks.push(...actionBlocks(block.buttons, notes));
        break;
      case "context":
        // Slack rejects empty text objects, so an empty context line is dropped.
        if (block.text.trim() !== "") {
          blocks.push({ type: "context", elements: [mrkdwn(truncate(toMrkdwn(block.text), L.contextText))] });
        }
        break;
      case "divider":
        blocks.push({ type: "divider" });
        break;
    }
  }
  if (notes.length > 0) {
    blocks.push({ type: "context", elements: [mrkdwn(truncate(notes.join(" "), L.contextText))] });
  }
  const text = truncate(escapeMrkdwn(fallbackText(card) || cardToText(card) || "daybook"), L.fallbackText);
  return { text, blocks: capBlocks(blocks) };
}
