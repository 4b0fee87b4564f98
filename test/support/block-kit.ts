import type { SlackBlock, SlackMessage } from "../../adapters/slack/format/block-kit.ts";
import { slackLimits as L } from "../../adapters/slack/format/limits.ts";

/** Every limit Slack enforces on what we emit; returns the violations (empty = accepted). */
export function blockKitViolations(message: SlackMessage): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  check(
    message.text.length > 0 && message.text.length <= L.fallbackText,
    `fallback text length ${message.text.length}`,
  );
  check(message.blocks.length <= L.blocksPerMessage, `${message.blocks.length} blocks`);
  message.blocks.forEach((b: SlackBlock, i) => {
    const at = `block ${i} (${b.type})`;
    switch (b.type) {
      case "header":
        check(
          b.text.text.trim().length > 0 && b.text.text.length <= L.headerText && b.text.type === "plain_text",
          `${at} header`,
        );
        break;
      case "section":
        if ("text" in b)
          check(b.text.text.length > 0 && b.text.text.length <= L.sectionText, `${at} text ${b.text.text.length}`);
        if ("fields" in b) {
          check(b.fields.length > 0 && b.fields.length <= L.sectionFields, `${at} ${b.fields.length} fields`);
          for (const f of b.fields)
            check(f.text.trim().length > 0 && f.text.length <= L.fieldText, `${at} field ${f.text.length}`);
        }
        break;
      case "context":
        check(b.elements.length <= L.contextElements, `${at} elements`);
        check(b.elements.length > 0, `${at} no elements`);
        for (const e of b.elements)
          check(e.text.trim().length > 0 && e.text.length <= L.contextText, `${at} context ${e.text.length}`);
        break;
      case "actions": {
        check(b.elements.length > 0 && b.elements.length <= L.actionsElements, `${at} ${b.elements.length} elements`);
        const ids = b.elements.map((e) => e.action_id);
        check(new Set(ids).size === ids.length, `${at} duplicate action ids`);
        for (const e of b.elements) {
          check(
            e.text.text.trim().length > 0 && e.text.text.length <= L.buttonText,
            `${at} button text ${e.text.text.length}`,
          );
          check(e.value.length <= L.buttonValue, `${at} button value ${e.value.length}`);
          check(e.action_id.length <= L.actionId, `${at} action id`);
          if (e.confirm) {
            check(
              e.confirm.title.text.trim() !== "" && e.confirm.title.text.length <= L.confirmTitle,
              `${at} confirm title`,
            );
            check(
              e.confirm.text.text.trim() !== "" && e.confirm.text.text.length <= L.confirmText,
              `${at} confirm text`,
            );
            check(
              e.confirm.confirm.text.length <= L.confirmButton && e.confirm.deny.text.length <= L.confirmButton,
              `${at} confirm buttons`,
            );
          }
        }
        break;
      }
      case "divider":
        break;
    }
  });
  return out;
}
