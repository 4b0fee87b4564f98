import { formatUtc } from "../../../src/core/reader-time.ts";

/**
 * The core Markdown subset (src/core/card.ts) -> Slack mrkdwn.
 * Slack wants only `&`, `<` and `>` escaped in text, links as `<url|label>`, bold as single
 * asterisks: https://docs.slack.dev/messaging/formatting-message-text. A time token becomes
 * `<!date^…>`, which each reader's client shows in their own zone and locale, with UTC text
 * for clients that cannot (https://docs.slack.dev/messaging/formatting-message-text#date-formatting).
 */
const token = /`([^`\n]+)`|\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+)\*\*|\{\{time:(\d{1,15})\}\}/g;

/** A time as Slack shows it to each reader: "Nov 23, 2026 at 1:00 AM" in their zone. */
export function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${escapeMrkdwn(formatUtc(ms))}>`;
}

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A URL inside `<...|...>`: `|` and `>` would end the link early. */
function linkTarget(url: string): string {
  return url.replace(/&/g, "&amp;").replace(/\|/g, "%7C").replace(/</g, "%3C").replace(/>/g, "%3E");
}

function linkLabel(label: string): string {
  return escapeMrkdwn(label).replace(/\|/g, "¦");
}

function inline(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(token)) {
    out += escapeMrkdwn(text.slice(last, m.index));
    const [, code, label, url, bold, time] = m;
    if (time !== undefined) out += slackDate(Number(time));
    else if (code !== undefined) out += `\`${escapeMrkdwn(code)}\``;
    else if (label !== undefined && url !== undefined) out += `<${linkTarget(url)}|${linkLabel(label)}>`;
    else if (bold !== undefined) out += `*${escapeMrkdwn(bold)}*`;
    last = m.index + m[0].length;
  }
  return out + escapeMrkdwn(text.slice(last));
}

export function toMrkdwn(markdown: string): string {
  return markdown
    .split("\n")
    .map((line) => {
      const bullet = /^(\s*)- (.*)$/.exec(line);
      return bullet ? `${bullet[1]}• ${inline(bullet[2] ?? "")}` : inline(line);
    })
    .join("\n");
}

/** A link in mrkdwn, for renderers that build links from structured data. */
export function mrkdwnLink(url: string, label: string): string {
  return `<${linkTarget(url)}|${linkLabel(label)}>`;
}
