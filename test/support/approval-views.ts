/**
 * What an approver reads on a rendered approval card, reassembled from the platform JSON:
 * the verbatim values (title and arguments) in order, each with its label, decoded back from
 * their visible escapes so they can be compared with the stored arguments byte for byte.
 */
import type { SlackMessage } from "../../adapters/slack/format/block-kit.ts";
import type { AdaptiveCard, AdaptiveElement } from "../../adapters/teams/format/adaptive-card.ts";
import { EMPTY_VERBATIM, fromVisibleText } from "../../src/core/card.ts";

function decode(shown: string): string {
  return shown === EMPTY_VERBATIM ? "" : fromVisibleText(shown);
}

export interface ShownValue {
  label: string | undefined;
  /** The value as displayed (escapes such as ⟨U+202E⟩ included). */
  shown: string;
  /** `shown` with the escapes decoded: what the approver was told will be written. */
  value: string;
}

/**
 * Slack: verbatim values are consecutive plain_text sections; a label is the mrkdwn section
 * `*Label*` just before them. Any other block ends the current value.
 */
export function slackShownValues(message: SlackMessage): ShownValue[] {
  const out: { label: string | undefined; parts: string[] }[] = [];
  let label: string | undefined;
  let current: { label: string | undefined; parts: string[] } | undefined;
  for (const block of message.blocks) {
    if (block.type === "section" && "text" in block && block.text.type === "plain_text") {
      if (!current) {
        current = { label, parts: [] };
        out.push(current);
      }
      current.parts.push(block.text.text);
      continue;
    }
    current = undefined;
    label = undefined;
    if (block.type === "section" && "text" in block) {
      const m = /^\*(.+)\*$/s.exec(block.text.text);
      if (m) label = m[1];
    }
  }
  return out.map(({ label: l, parts }) => {
    const shown = parts.join("");
    return { label: l, shown, value: decode(shown) };
  });
}

/** Teams: a verbatim value is a RichTextBlock of plain TextRuns, its label a bold TextRun just before. */
export function teamsShownValues(card: AdaptiveCard): ShownValue[] {
  const out: ShownValue[] = [];
  let label: string | undefined;
  for (const element of card.body) {
    const runs = element.type === "RichTextBlock" ? ((element.inlines as AdaptiveElement[] | undefined) ?? []) : [];
    if (runs.length > 0 && runs.every((r) => r.weight === "Bolder")) {
      label = runs.map((r) => String(r.text)).join("");
      continue;
    }
    if (runs.length > 0) {
      const shown = runs.map((r) => String(r.text)).join("");
      out.push({ label, shown, value: decode(shown) });
    }
    label = undefined;
  }
  return out;
}

/** Every piece of text on a Slack message that Slack parses as mrkdwn (where links and mentions render). */
export function slackMrkdwnTexts(message: SlackMessage): string[] {
  const texts: string[] = [];
  for (const block of message.blocks) {
    if (block.type === "section" && "text" in block && block.text.type === "mrkdwn") texts.push(block.text.text);
    if (block.type === "section" && "fields" in block) texts.push(...block.fields.map((f) => f.text));
    if (block.type === "context") texts.push(...block.elements.map((e) => e.text));
  }
  return texts;
}

/** Every TextBlock / FactSet text on an Adaptive Card (where Teams renders Markdown). */
export function teamsMarkdownTexts(card: AdaptiveCard): string[] {
  const texts: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value !== null && typeof value === "object") {
      const element = value as AdaptiveElement;
      if (element.type === "TextBlock") texts.push(String(element.text));
      if (element.type === "FactSet") {
        for (const f of element.facts as { title: string; value: string }[]) texts.push(f.title, f.value);
      }
      for (const v of Object.values(element)) walk(v);
    }
  };
  walk(card.body);
  return texts;
}
