import { APPROVE_ACTION_ID } from "../../../src/core/action-ids.ts";
import {
  type Card,
  type CardBlock,
  type CardButton,
  type CardListItem,
  EMPTY_VERBATIM,
  fallbackText,
  visibleText,
  visibleWhitespace,
} from "../../../src/core/card.ts";
import { formatUtc, hasTimeToken, replaceTimeTokens } from "../../../src/core/reader-time.ts";

/**
 * Core Card -> Adaptive Card 1.5 (https://adaptivecards.io/explorer/). Buttons are
 * Action.Execute (Universal Actions): Teams sends an `adaptiveCard/action` invoke with the
 * verb and data, and shows the card we answer with.
 */
export type AdaptiveElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: "1.5";
  body: AdaptiveElement[];
  fallbackText: string;
  refresh?: { action: AdaptiveElement; userIds: string[] };
}

export const adaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

/** The verb of the refresh action on approval cards (not a daybook button id). */
export const REFRESH_VERB = "daybook.card.refresh";

/**
 * Teams rejects bot messages over ~28 KB (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages);
 * the activity envelope needs a little room too.
 */
export const maxCardBytes = 26_000;

/** Teams runs a refresh automatically for at most 60 users. */
const maxRefreshUsers = 60;

export interface RenderOptions {
  /** Who may approve (Teams user ids): they get `refresh` so their view stays live. */
  approverIds?: string[];
  maxBytes?: number;
}

export function approvalIdOf(card: Card): string | undefined {
  for (const block of card.blocks) {
    if (block.type !== "actions") continue;
    const approve = block.buttons.find((b) => b.actionId === APPROVE_ACTION_ID);
    if (approve) return approve.value;
  }
  return undefined;
}

export function renderAdaptiveCard(card: Card, options: RenderOptions = {}): AdaptiveCard {
  const maxBytes = options.maxBytes ?? maxCardBytes;
  // Shrink lists first (they are what grows), then long texts, until the card fits.
  // Verbatim values are never clipped: if the card still does not fit, they show only their
  // size and the Approve button goes, since nobody may approve what they could not read.
  const fits = (rendered: AdaptiveCard) => Buffer.byteLength(JSON.stringify(rendered), "utf8") <= maxBytes;
  let maxItems = Number.POSITIVE_INFINITY;
  let maxText = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 24; attempt++) {
    const rendered = build(card, options, maxItems, maxText, false);
    if (fits(rendered)) return rendered;
    const longest = longestList(card);
    if (longest > 1 && maxItems > 1) {
      maxItems = Math.max(1, Math.floor(Math.min(maxItems, longest) / 2));
    } else if (maxText > 200) {
      maxText = Math.max(200, Math.floor(Math.min(maxText, 20_000) / 2));
    } else {
      break;
    }
  }
  const hasVerbatim = card.blocks.some((b) => b.type === "verbatim");
  if (hasVerbatim) {
    const rendered = build(card, options, maxItems, maxText, true);
    if (fits(rendered)) return rendered;
  }
  return build(card, options, 1, 200, hasVerbatim);
}

function longestList(card: Card): number {
  let longest = 0;
  for (const block of card.blocks) if (block.type === "list") longest = Math.max(longest, block.items.length);
  return longest;
}

function build(card: Card, options: RenderOptions, maxItems: number, maxText: number, tooLong: boolean): AdaptiveCard {
  const body: AdaptiveElement[] = [];
  let separatorNext = false;
  const push = (element: AdaptiveElement) => {
    if (separatorNext) {
      element.separator = true;
      separatorNext = false;
    }
    body.push(element);
  };

  if (card.header) {
    push({
      type: "TextBlock",
      text: clip(teamsMarkdown(card.header), maxText),
      wrap: true,
      size: "Medium",
      weight: "Bolder",
    });
  }
  if (tooLong) {
    push({
      type: "TextBlock",
      text: "This change is too long for a Teams card to show in full, so it cannot be approved here.",
      wrap: true,
      isSubtle: true,
      size: "Small",
    });
  }
  for (const block of card.blocks) {
    if (block.type === "divider") {
      separatorNext = true;
      continue;
    }
    for (const element of renderBlock(block, maxItems, maxText, tooLong)) push(element);
  }

  if (body.length === 0) push({ type: "TextBlock", text: " ", wrap: true });

  const rendered: AdaptiveCard = {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    body,
    fallbackText: fallbackText(card),
  };
  const approvalId = approvalIdOf(card);
  const userIds = (options.approverIds ?? []).filter((id) => id !== "").slice(0, maxRefreshUsers);
  if (approvalId && userIds.length > 0) {
    // Only listed approvers get the card refreshed automatically; the server still re-checks
    // every click (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/user-specific-views).
    rendered.refresh = {
      action: { type: "Action.Execute", title: "Refresh", verb: REFRESH_VERB, data: { value: approvalId } },
      userIds,
    };
  }
  return rendered;
}

function renderBlock(
  block: Exclude<CardBlock, { type: "divider" }>,
  maxItems: number,
  maxText: number,
  tooLong: boolean,
): AdaptiveElement[] {
  switch (block.type) {
    case "verbatim":
      return verbatimElements(block, tooLong);
    case "text":
      return [{ type: "TextBlock", text: clip(teamsMarkdown(block.text), maxText), wrap: true }];
    case "context":
      return [
        {
          type: "TextBlock",
          text: clip(teamsMarkdown(block.text), maxText),
          wrap: true,
          size: "Small",
          isSubtle: true,
        },
      ];
    case "fields":
      // DATE()/TIME() run in TextBlocks only: fields holding a time become "**Label**: value"
      // lines, so each reader sees it in their own zone; other fields stay a FactSet.
      if (block.fields.some((f) => hasTimeToken(f.value))) {
        return block.fields.map((f) => ({
          type: "TextBlock",
          text: clip(teamsMarkdown(`**${f.label}**: ${f.value}`), maxText),
          wrap: true,
          spacing: "Small",
        }));
      }
      return [
        {
          type: "FactSet",
          facts: block.fields.map((f) => ({
            title: clip(f.label, 200),
            value: clip(teamsMarkdown(f.value, true), maxText),
          })),
        },
      ];
    case "actions": {
      const buttons = tooLong ? block.buttons.filter((b) => b.actionId !== APPROVE_ACTION_ID) : block.buttons;
      return buttons.length > 0 ? [{ type: "ActionSet", actions: buttons.map(renderButton) }] : [];
    }
    case "list": {
      const out: AdaptiveElement[] = [];
      if (block.title) {
        out.push({ type: "TextBlock", text: clip(teamsMarkdown(block.title), maxText), wrap: true, weight: "Bolder" });
      }
      const shown = block.items.slice(0, maxItems);
      for (const item of shown) out.push(renderListItem(item, maxText));
      const hidden = block.items.length - shown.length;
      if (hidden > 0) {
        out.push({ type: "TextBlock", text: `…and ${hidden} more`, wrap: true, isSubtle: true, size: "Small" });
      }
      return out;
    }
  }
}

/**
 * A verbatim value as a RichTextBlock of TextRuns: TextRun text is never parsed as Markdown
 * (https://adaptivecards.io/explorer/TextRun.html), so links, emphasis and lists in the
 * value stay literal, unlike a TextBlock.
 */
function verbatimElements(block: Extract<CardBlock, { type: "verbatim" }>, tooLong: boolean): AdaptiveElement[] {
  const label = block.label?.trim();
  if (tooLong) {
    const size = `⟨${block.text.length} characters: too long to show here⟩`;
    return [{ type: "RichTextBlock", inlines: [{ type: "TextRun", text: label ? `${label}: ${size}` : size }] }];
  }
  const out: AdaptiveElement[] = [];
  if (label) out.push({ type: "RichTextBlock", inlines: [{ type: "TextRun", text: label, weight: "Bolder" }] });
  let shown = block.text === "" ? EMPTY_VERBATIM : visibleText(block.text);
  if (shown.trim() === "") shown = visibleWhitespace(shown);
  out.push({ type: "RichTextBlock", spacing: "None", inlines: [{ type: "TextRun", text: shown }] });
  return out;
}

function renderListItem(item: CardListItem, maxText: number): AdaptiveElement {
  const title = teamsMarkdown(item.title);
  const main: AdaptiveElement[] = [
    {
      type: "TextBlock",
      text: clip(item.url ? `[${title}](${item.url})` : title, maxText),
      wrap: true,
      weight: "Bolder",
    },
  ];
  if (item.text) {
    main.push({ type: "TextBlock", text: clip(teamsMarkdown(item.text), maxText), wrap: true, spacing: "None" });
  }
  const columns: AdaptiveElement[] = [{ type: "Column", width: "stretch", items: main }];
  if (item.meta) {
    columns.push({
      type: "Column",
      width: "auto",
      items: [
        { type: "TextBlock", text: clip(teamsMarkdown(item.meta), 300), wrap: true, isSubtle: true, size: "Small" },
      ],
    });
  }
  const items: AdaptiveElement[] = [{ type: "ColumnSet", columns }];
  if (item.buttons && item.buttons.length > 0) {
    items.push({ type: "ActionSet", actions: item.buttons.map(renderButton) });
  }
  return { type: "Container", spacing: "Medium", items };
}

function renderButton(button: CardButton): AdaptiveElement {
  const action: AdaptiveElement = {
    type: "Action.Execute",
    title: button.label,
    verb: button.actionId,
    data: { value: button.value },
  };
  if (button.style === "primary") action.style = "positive";
  if (button.style === "danger") action.style = "destructive";
  return action;
}

/**
 * TextBlock Markdown supports bold, italic, links and "- " lists but no inline code
 * (https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features), so code spans
 * lose their backticks; lines need a blank line between them to break in Teams. A time token
 * becomes `{{DATE()}} {{TIME()}}`, which the client shows in its reader's zone and locale
 * (text features, "Date/Time formatting and localization"); those functions work in TextBlocks
 * only, so `utcTimes` shows it as UTC text where the result goes elsewhere (a FactSet value).
 */
export function teamsMarkdown(text: string, utcTimes = false): string {
  return replaceTimeTokens(text, utcTimes ? formatUtc : teamsDate)
    .replace(/`([^`]+)`/g, "$1")
    .split("\n")
    .join("\n\n")
    .replace(/\n{3,}/g, "\n\n");
}

/** RFC 3339 without fractions, as DATE() and TIME() require ("2026-11-23T09:00:00Z"). */
function teamsDate(ms: number): string {
  const iso = `${new Date(ms).toISOString().slice(0, 19)}Z`;
  return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Adds a notice above a card (a refusal keeps the original card visible under it). */
export function withNotice(card: AdaptiveCard | undefined, notice: string): AdaptiveCard {
  const noticeBlock: AdaptiveElement = {
    type: "Container",
    style: "attention",
    items: [{ type: "TextBlock", text: teamsMarkdown(notice), wrap: true }],
  };
  if (!card) {
    return {
      type: "AdaptiveCard",
      $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
      version: "1.5",
      body: [noticeBlock],
      fallbackText: notice.slice(0, 300),
    };
  }
  return { ...card, body: [noticeBlock, ...card.body] };
}
