/**
 * The offline agent over one generated organisation, as the agent tests set it up: the demo
 * ports, the full tool catalog, the offline model knowing the organisation's records, and no
 * approvals (a test that expects a write builds its own). `read` runs a read tool directly, so a
 * test writes its expectation from the tool's own result, never from the reply.
 */
import { createAgentAnswerer } from "../../chains/agent/agent.ts";
import { loadKnownEntities } from "../../chains/agent/entities.ts";
import { createChatModel } from "../../chains/agent/model-factory.ts";
import { chartMaker } from "../../chains/charts/charts.ts";
import type { Clock } from "../../src/core/clock.ts";
import { FileShelf } from "../../src/core/files.ts";
import { silentLogger } from "../../src/core/logger.ts";
import { MemoryStore } from "../../src/store/memory-store.ts";
import { createToolCatalog } from "../../tools/catalog.ts";
import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import type { DemoOrg } from "../../tools/demo/generate.ts";
import { Conversation } from "../agent-fixtures.ts";

/** `files`: a file shelf as in the app, with the chart and export tools that put files on it. */
export async function offlineAgent(org: DemoOrg, clock: Clock, options: { files?: boolean; timeZone?: string } = {}) {
  const ports = createDemoPorts({ clock, org });
  const shelf = options.files ? new FileShelf(new MemoryStore({ clock })) : undefined;
  const timeZone = options.timeZone ?? "UTC";
  const catalog = createToolCatalog(
    ports,
    shelf ? { clock, timeZone, files: shelf, charts: chartMaker({ ports, clock, timeZone }) } : { clock },
  );
  const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
  const answerer = createAgentAnswerer({
    model,
    modelLabel: label,
    catalog,
    approvals: { requestApproval: async () => Promise.reject(new Error("no writes expected")) },
    logger: silentLogger,
    clock,
    ...(shelf ? { files: shelf, timezone: timeZone } : {}),
  });
  const read = async (name: string, args: Record<string, unknown> = {}) => {
    const tool = catalog.read.find((r) => r.tool.name === name)?.tool;
    if (!tool) throw new Error(`no tool ${name}`);
    return JSON.parse(String(await tool.invoke(args))) as Record<string, unknown>;
  };
  /** One question in a new thread, as alex (every role in the demo's config). */
  const ask = (text: string) => new Conversation(answerer, "alex").ask(text);
  return { answerer, read, ask, ports, catalog };
}

/** The tools a turn called, in order. */
export function callsOf(turn: {
  answer: { data?: Record<string, unknown> };
}): { tool: string; args: Record<string, unknown> }[] {
  return (turn.answer.data as { calls?: { tool: string; args: Record<string, unknown> }[] } | undefined)?.calls ?? [];
}

export function toolsOf(turn: { answer: { data?: Record<string, unknown> } }): string[] {
  return callsOf(turn).map((c) => c.tool);
}
