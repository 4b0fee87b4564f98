import { Parser } from "htmlparser2";

/**
 * Teams message text to the plain text a person meant, once, where an activity becomes an
 * IncomingMessage. Teams writes mentions as `<at>Name</at>` with a matching `mention` entity
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations#receive-mentions),
 * escapes text as HTML (`&amp;`, `&lt;`, `&nbsp;`) and may send formatted messages as HTML
 * (`<p>`, `<div>`, `<br>`, `<a href>`, emoji as `<img alt>`). The model and every write get text:
 * "@Dana Lee", "fix login & signup for <admins>", "label (url)".
 */

/** A `mention` entity of the activity (botbuilder's Mention, reduced to what is read). */
export interface TeamsMention {
  /** The tag as it appears in the text, e.g. `<at>Dana Lee</at>`. */
  text?: string | undefined;
  mentioned?: { id?: string | undefined; name?: string | undefined } | undefined;
}

export interface TeamsInboundOptions {
  mentions?: readonly TeamsMention[];
  /** The bot's own id (`activity.recipient.id`): its mentions are addressing, not content, and are removed. */
  botId?: string | undefined;
}

// Block-level elements end a line; everything else flows inline.
const blockTags = new Set([
  "p",
  "div",
  "li",
  "tr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "pre",
  "ul",
  "ol",
  "table",
  "hr",
]);
// Formatting whose text is kept and whose tag is dropped.
const inlineTags = new Set([
  "span",
  "b",
  "strong",
  "i",
  "em",
  "u",
  "s",
  "strike",
  "del",
  "ins",
  "code",
  "sub",
  "sup",
  "font",
  "small",
  "big",
  "mark",
  "thead",
  "tbody",
  "tfoot",
  "td",
  "th",
  "html",
  "body",
  "systemtag",
]);
// Elements whose content is not message text (quoted-reply placeholders, scripts).
const droppedTags = new Set(["script", "style", "attachment", "head", "title"]);

// Marks where the bot's mention was, so the spacing around it can be tidied afterwards.
const removed = "\uE000";

interface Frame {
  name: string;
  /** Text collected inside `<at>` or `<a>`, rendered when the element closes. */
  text: string;
  href?: string;
}

/** HTML-ish text to plain text; `<at>` contents go to `onMention`, unknown tags stay literal. */
function htmlToText(raw: string, onMention: (inner: string) => string): string {
  let out = "";
  const stack: Frame[] = [];
  let dropped = 0;
  const collecting = (): Frame | undefined => stack.findLast((f) => f.name === "at" || f.name === "a");
  const emit = (text: string) => {
    if (dropped > 0) return;
    const frame = collecting();
    if (frame) frame.text += text;
    else out += text;
  };
  // A block starts and ends a line once: "</p><p>" is one line break, not a blank line.
  const breakLine = () => {
    if (dropped > 0) return;
    const frame = collecting();
    const current = frame ? frame.text : out;
    if (current.trim() !== "" && !/\n[ \t]*$/.test(current)) emit("\n");
  };
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (droppedTags.has(name)) {
          dropped++;
          return;
        }
        if (name === "at" || name === "a") {
          stack.push({ name, text: "", ...(attribs.href ? { href: attribs.href } : {}) });
          return;
        }
        if (name === "br") emit("\n");
        else if (name === "img" || name === "emoji") emit(attribs.alt ?? "");
        else if (blockTags.has(name)) breakLine();
        else if (!inlineTags.has(name)) {
          // Not markup Teams produces: "<admins>" that reached us unescaped is kept as typed.
          const attrs = Object.entries(attribs).map(([k, v]) => (v === "" ? ` ${k}` : ` ${k}="${v}"`));
          emit(`<${name}${attrs.join("")}>`);
        }
      },
      ontext(text) {
        emit(text);
      },
      onclosetag(name, isImplied) {
        if (droppedTags.has(name)) {
          dropped = Math.max(0, dropped - 1);
          return;
        }
        if (name === "at" || name === "a") {
          const frame = stack.pop();
          if (!frame) return;
          if (name === "at") emit(onMention(frame.text));
          else emit(linkText(frame.text, frame.href));
          return;
        }
        if (blockTags.has(name)) breakLine();
        else if (!inlineTags.has(name) && name !== "br" && name !== "img" && name !== "emoji" && !isImplied) {
          emit(`</${name}>`);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(raw);
  parser.end();
  // An unclosed <at> or <a> still shows what it held.
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    emit(frame.name === "at" ? onMention(frame.text) : linkText(frame.text, frame.href));
  }
  return out;
}

/** "label (url)", or the url alone when the label is the url: link targets shown literally. */
function linkText(label: string, href: string | undefined): string {
  const text = label.trim();
  if (!href || href === text || href.replace(/^[a-z][a-z0-9+.-]*:(\/\/)?/i, "") === text) return href ?? text;
  return text ? `${text} (${href})` : href;
}

/** The display text inside a mention entity's `<at>...</at>`, decoded like the message. */
function mentionInner(mention: TeamsMention): string | undefined {
  if (!mention.text) return undefined;
  let inner: string | undefined;
  htmlToText(mention.text, (text) => {
    inner = text;
    return "";
  });
  return inner?.trim();
}

function tidy(text: string): string {
  return text
    .replace(/\u00a0/g, " ")
    .replace(/(?:[ \t]*\uE000)+[ \t]*(?=[,.!?;:]|$)/gm, "")
    .replace(/(?:[ \t]*\uE000)+[ \t]*/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Teams `text` to human text: `<at>` mentions as `@Name` (the entity's name; the bot's own
 * removed), links as "label (url)", HTML entities decoded, formatting dropped, block elements
 * as line breaks.
 */
export function normaliseTeamsText(raw: string, options: TeamsInboundOptions = {}): string {
  const mentions = (options.mentions ?? []).map((m) => ({ mention: m, inner: mentionInner(m) }));
  const text = htmlToText(raw.replaceAll(removed, ""), (inner) => {
    const shown = inner.trim();
    const match = mentions.find((m) => m.inner === shown);
    if (match && options.botId !== undefined && match.mention.mentioned?.id === options.botId) return removed;
    const name = match?.mention.mentioned?.name?.trim() || shown;
    return name ? `@${name}` : "";
  });
  return tidy(text);
}
