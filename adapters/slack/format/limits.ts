/**
 * Block Kit limits Slack enforces; a payload over any of them is rejected with
 * `invalid_blocks`. Sources: https://docs.slack.dev/reference/block-kit/blocks and
 * https://docs.slack.dev/reference/block-kit/block-elements/button-element
 */
export const slackLimits = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  contextElements: 10,
  contextText: 3_000,
  /** Slack allows 25 elements per actions block; more than 5 buttons in a row reads badly. */
  actionsElements: 25,
  buttonsPerRow: 5,
  buttonText: 75,
  buttonValue: 2_000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** chat.postMessage truncates `text` at 40,000 characters; notifications show far less. */
  fallbackText: 3_000,
  /**
   * Text characters across all blocks of one message. Undocumented: chat.postMessage answers
   * `msg_blocks_too_long` from about 12,000 (https://github.com/slackapi/bolt-js/issues/2509,
   * https://github.com/slackapi/bolt-js/issues/2867 saw it at 11,341), so stay well below.
   */
  messageText: 10_000,
  /** assistant.threads.setSuggestedPrompts accepts at most 4 prompts. */
  suggestedPrompts: 4,
} as const;

/** Cuts `text` to `max` characters, ending with an ellipsis when it had to cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Splits text into chunks of at most `max` characters, preferring line breaks, then spaces.
 * Never splits inside an escape such as `&amp;` or a `<url|label>` link when it can avoid it.
 */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf("\n");
    if (cut < max / 2) cut = window.lastIndexOf(" ");
    if (cut < max / 2) cut = max;
    // Do not leave an entity or link half in each chunk.
    const amp = window.lastIndexOf("&", cut - 1);
    if (amp !== -1 && amp > cut - 6 && !window.slice(amp, cut).includes(";")) cut = amp;
    const lt = window.lastIndexOf("<", cut - 1);
    if (lt !== -1 && !window.slice(lt, cut).includes(">") && lt > 0) cut = lt;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}

/**
 * Splits a verbatim value into chunks of at most `max` UTF-16 units whose concatenation is
 * exactly `text`: nothing trimmed or dropped. Prefers cutting after a line break, then after
 * a space; never inside a surrogate pair or a `⟨U+XXXX⟩` escape.
 */
export function splitVerbatim(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf("\n") + 1;
    if (cut < max / 2) cut = window.lastIndexOf(" ") + 1;
    if (cut < max / 2) cut = max;
    const open = window.lastIndexOf("⟨", cut - 1);
    if (open > 0 && !window.slice(open, cut).includes("⟩")) cut = open;
    const unit = rest.charCodeAt(cut - 1);
    if (unit >= 0xd800 && unit <= 0xdbff) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) out.push(rest);
  return out;
}
