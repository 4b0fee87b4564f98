/**
 * Which tools a question is offered (issue 13, item 5: every tool schema costs prompt tokens on
 * every request of a turn). The question's systems are read from its words and, for a
 * follow-up, from the previous turn's calls; write tools are offered only when the question
 * asks for a change. A question naming no system gets a small router set: one front-door
 * read tool per system and `daybook_open_tools`, which opens a system's tools for the rest of
 * the turn. Never beyond the requester's domains (least privilege).
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { AnswerInput } from "../../src/core/answerer.ts";
import type { ToolDomain } from "../../src/core/principal.ts";
import { mentionedDomains } from "./domains.ts";
import { continuesPreviousTopic } from "./follow-up.ts";
import { isTurnData, type TurnData } from "./refs.ts";

export const ROUTER_TOOL = "daybook_open_tools";

/** The part of the agent's tool catalog selection reads (structural: agent.ts imports this file). */
export interface CatalogDomains {
  read: { domain: ToolDomain; tool: { name: string } }[];
  actions: { name: string; domain: ToolDomain }[];
}

/** The read tool a system's general question most often needs, first found wins (else its first read tool). */
const frontDoor: Record<ToolDomain, string[]> = {
  jira: ["jira_sprint_status", "jira_blockers"],
  crm: ["crm_deals_by_priority", "crm_find"],
  accounting: ["accounting_close_exceptions", "accounting_invoices"],
};

/** A system's front-door tool: the last a request over budget stops offering. */
export function isFrontDoor(name: string): boolean {
  return Object.values(frontDoor).some((names) => names[0] === name);
}

/** Read tools that find the record a write acts on (an issue, a deal or company, an invoice). */
const lookups = /_(?:find|deal_detail|get_issue|search_issues|invoices)$/;

/** Verbs of the writes daybook can request (create, comment, log, change stage, approve, reject). */
// "open", "set" and "note" alone are left out: "open deals", "an open support ticket" are reads.
const writeWords =
  /\b(create|file|raise|add|log|logged|comment|approve|reject|decline|move|update|change|assign|mark|record)\b|\bopen (?:a|an|new) (?:ticket|issue|bug|story|task)\b|\b(?:write|draft) (?:me )?(?:a |an |the )?(?:user )?story\b/i;

export function asksForChange(text: string): boolean {
  return writeWords.test(text);
}

/** The systems a question is about: its own words, plus the previous turn's systems for a follow-up. */
export function questionDomains(input: AnswerInput, catalog: CatalogDomains): Set<ToolDomain> {
  const wanted = new Set<ToolDomain>(mentionedDomains(input.message.text));
  // Only a follow-up keeps the previous answer's systems in view; a new topic binds by its own words.
  const previous = continuesPreviousTopic(input.message.text)
    ? ([...input.history].reverse().find((h) => isTurnData(h.data))?.data as TurnData | undefined)
    : undefined;
  for (const call of previous?.calls ?? []) {
    const domain =
      catalog.read.find((r) => r.tool.name === call.tool)?.domain ??
      catalog.actions.find((a) => a.name === call.tool)?.domain;
    if (domain) wanted.add(domain);
  }
  return wanted;
}

/** The question's systems within what the requester may use, or every allowed system when none is named. */
export function focusDomains(input: AnswerInput, allowed: Set<ToolDomain>, catalog: CatalogDomains): Set<ToolDomain> {
  const focused = new Set([...questionDomains(input, catalog)].filter((d) => allowed.has(d)));
  return focused.size > 0 ? focused : allowed;
}

export interface ToolSelection {
  /** Names of the tools the next model request is offered. */
  bound(): Set<string>;
  /** The router tool (registered with the agent so its calls run), when the requester has several systems. */
  router: StructuredToolInterface | undefined;
}

/**
 * The turn's selection for a model that is billed by the token. `domainOf` names every
 * registered tool's system, `writes` the write tools among them.
 */
export function selectTools(options: {
  input: AnswerInput;
  allowed: Set<ToolDomain>;
  catalog: CatalogDomains;
  domainOf: Map<string, ToolDomain>;
  writes: Set<string>;
}): ToolSelection {
  const { allowed, domainOf, writes } = options;
  const open = new Set([...questionDomains(options.input, options.catalog)].filter((d) => allowed.has(d)));
  if (allowed.size === 1) for (const d of allowed) open.add(d);
  let withWrites = asksForChange(options.input.message.text);
  // A change request is offered its writes and the look-ups that find what to change; the
  // router opens the rest of the system's reads.
  let lookupsOnly = withWrites && open.size > 0;
  const systems = [...allowed];
  const router =
    systems.length > 0
      ? (tool(
          async ({ systems: asked, writes: wantsWrites }: { systems: ToolDomain[]; writes?: boolean }) => {
            const opened = asked.filter((d) => allowed.has(d));
            for (const d of opened) open.add(d);
            if (wantsWrites) withWrites = true;
            lookupsOnly = false;
            return opened.length > 0
              ? `The ${opened.join(" and ")} tools are now offered${withWrites ? ", with the write (approval) tools" : ""}.`
              : "None of those systems is available to this person.";
          },
          {
            name: ROUTER_TOOL,
            description:
              "Offers the tools of another system (or all of a system's read tools, when only some are offered) for the rest of this turn. Call it first when the question needs Jira (sprint, issues, people's work), the CRM (deals, pipeline, customers, churn) or the accounting books (invoices, bills, bank, P&L, revenue, month-end close) and those tools are not offered yet. Set writes to true when the user asks to create, comment, log, move, approve or reject something.",
            schema: z.object({
              systems: z.array(z.enum(systems as [ToolDomain, ...ToolDomain[]])).min(1),
              writes: z.boolean().optional(),
            }),
          },
        ) as unknown as StructuredToolInterface)
      : undefined;

  return {
    router,
    bound() {
      const names = new Set<string>();
      if (open.size === 0) {
        for (const d of systems) {
          const door =
            frontDoor[d].find((n) => domainOf.get(n) === d) ??
            [...domainOf].find(([n, domain]) => domain === d && !writes.has(n))?.[0];
          if (door) names.add(door);
        }
      } else {
        for (const [name, d] of domainOf) {
          if (!open.has(d)) continue;
          if (writes.has(name) ? withWrites : !lookupsOnly || lookups.test(name)) names.add(name);
        }
      }
      // A question that named its systems gets only theirs; the router is the way in for one that
      // named none, and to the rest of the reads for a change request.
      if (router && (open.size === 0 || lookupsOnly)) names.add(ROUTER_TOOL);
      return names;
    },
  };
}
