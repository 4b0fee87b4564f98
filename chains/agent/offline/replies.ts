/**
 * The offline model's own sentences: a refusal for data the requester's roles do not cover and
 * the help reply, each with example questions from the organisation's own data.
 */
import type { ToolDomain } from "../../../src/core/principal.ts";
import type { Ctx } from "./turn.ts";

export const domainLabel: Record<ToolDomain, string> = {
  jira: "Jira (sprints and issues)",
  crm: "the CRM (deals and customers)",
  accounting: "accounting (invoices, bank and the month-end close)",
};

export function refusal(asked: ToolDomain[], allowed: ToolDomain[], ctx: Ctx): string {
  const what = asked.map((d) => domainLabel[d]).join(" or ");
  const lines = [`Sorry, I can't look at ${what} for you: your roles don't include access to it.`];
  if (allowed.length > 0) {
    lines.push(`You can ask me about ${allowed.map((d) => domainLabel[d]).join(" and ")}, for example:`);
    for (const example of examplesFor(allowed, ctx)) lines.push(`- _${example}_`);
  } else {
    lines.push("Your account has no data access configured yet; an administrator can add roles for you.");
  }
  return lines.join("\n");
}

export function helpReply(ctx: Ctx, lead: string): string {
  const allowed =
    ctx.turn.allowedDomains ?? ([...new Set(ctx.tools.map((t) => t.domain).filter(Boolean))] as ToolDomain[]);
  const examples = examplesFor(allowed, ctx);
  if (examples.length === 0) return `${lead} Your account has no data access configured yet.`;
  return [`${lead} You can ask me, for example:`, ...examples.map((e) => `- _${e}_`)].join("\n");
}

export function examplesFor(domains: ToolDomain[], ctx: Ctx): string[] {
  const all = ctx.examples();
  return domains.flatMap((d) =>
    all
      .filter((e) => e.domain === d)
      .slice(0, 2)
      .map((e) => e.text),
  );
}
