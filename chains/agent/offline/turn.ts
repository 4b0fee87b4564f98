/**
 * What the offline model reads of a conversation: the question (typos corrected), who asks,
 * today in their timezone, the domains they may see, the data stored with the previous answers,
 * and the tool calls and results since the question.
 */
import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import { turnContextMarkers } from "../../../prompts/agent-system.ts";
import type { Clock } from "../../../src/core/clock.ts";
import type { ExampleQuestions } from "../../../src/core/examples.ts";
import type { ToolDomain } from "../../../src/core/principal.ts";
import type { KnownEntity } from "../known-entity.ts";
import { extractRefs, isTurnData, parseToolOutput, type TurnData } from "../refs.ts";
import { isExportTool } from "./exports.ts";
import type { ToolInfo } from "./tool-info.ts";

export interface Turn {
  /** The question with its typos corrected (offline/typos.ts); `said` is as written. */
  question: string;
  said: string;
  requesterName: string | undefined;
  today: string;
  /** The clock's now and the turn's timezone, for "this morning" and "tomorrow 2:00 PM". */
  now: number;
  timeZone: string;
  crmOwnerId: string | undefined;
  allowedDomains: ToolDomain[] | undefined;
  /** Data the agent stored with the previous assistant answers, newest last. */
  previous: TurnData[];
  /** Tool calls and results since the question. */
  calls: { name: string; args: Record<string, unknown>; id: string }[];
  results: { tool: string; content: string; value: unknown }[];
  learned: KnownEntity[];
}

export interface Ctx {
  turn: Turn;
  entities: KnownEntity[];
  tools: ToolInfo[];
  examples: ExampleQuestions;
}

export function textOf(message: BaseMessage): string {
  return typeof message.content === "string" ? message.content : message.text;
}

export function readTurn(messages: BaseMessage[], clock: Clock): Turn {
  let lastHuman = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.getType() === "human") {
      lastHuman = i;
      break;
    }
  }
  const system = messages
    .filter((m) => m.getType() === "system")
    .map(textOf)
    .join("\n");
  const line = (marker: string) =>
    system
      .split("\n")
      .find((l) => l.startsWith(marker))
      ?.slice(marker.length)
      .trim();
  const owner = line(turnContextMarkers.crmOwner)?.split(/\s/)[0];
  const todayLine = line(turnContextMarkers.today);
  const today = todayLine?.slice(0, 10) ?? new Date(clock.now()).toISOString().slice(0, 10);
  const timeZone = /\(([A-Za-z0-9_+\-/]+)\)/.exec(todayLine ?? "")?.[1] ?? "UTC";
  const domainsLine = line(turnContextMarkers.domains);
  const allowedDomains =
    domainsLine === undefined
      ? undefined
      : (domainsLine.split(/[,\s]+/).filter((d) => d === "jira" || d === "crm" || d === "accounting") as ToolDomain[]);

  const previous: TurnData[] = [];
  const learned: KnownEntity[] = [];
  for (let i = 0; i < lastHuman; i++) {
    const m = messages[i] as BaseMessage;
    if (m.getType() !== "ai") continue;
    const data = (m.response_metadata as Record<string, unknown> | undefined)?.daybook;
    // An export does not change the topic: "why is it flagged?" after one is about what came before.
    if (isTurnData(data) && !(data.calls.length > 0 && data.calls.every((c) => isExportTool(c.tool)))) {
      previous.push(data);
      for (const r of data.refs)
        if (r.name) learned.push({ name: r.name, kind: r.kind, ...(r.id ? { id: r.id } : {}) });
    }
  }

  const calls: Turn["calls"] = [];
  const results: Turn["results"] = [];
  const nameById = new Map<string, string>();
  for (let i = lastHuman + 1; i < messages.length; i++) {
    const m = messages[i] as BaseMessage;
    if (m.getType() === "ai") {
      for (const c of (m as AIMessage).tool_calls ?? []) {
        const id = c.id ?? "";
        calls.push({ name: c.name, args: c.args as Record<string, unknown>, id });
        nameById.set(id, c.name);
      }
    } else if (m.getType() === "tool") {
      const content = textOf(m);
      const value = parseToolOutput(content);
      const toolCallId = (m as unknown as { tool_call_id?: string }).tool_call_id ?? "";
      results.push({ tool: nameById.get(toolCallId) ?? "", content, value });
      for (const r of extractRefs(value))
        if (r.name) learned.push({ name: r.name, kind: r.kind, ...(r.id ? { id: r.id } : {}) });
    }
  }
  return {
    question: lastHuman >= 0 ? textOf(messages[lastHuman] as BaseMessage) : "",
    said: lastHuman >= 0 ? textOf(messages[lastHuman] as BaseMessage) : "",
    requesterName: line(turnContextMarkers.requester),
    today,
    now: clock.now(),
    timeZone,
    crmOwnerId: owner && owner !== "none" ? owner : undefined,
    allowedDomains,
    previous,
    calls,
    results,
    learned,
  };
}
