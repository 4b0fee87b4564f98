/**
 * Issue 13, item 5: every model request of the eval's turns stays within 3,000 prompt tokens
 * through ChatOpenAI. The eval's sessions (test/eval/) run through the Bot, with thread
 * memory, against a local OpenAI-compatible server whose "model" is the offline model reading
 * the request off the wire: it calls the tools the offline model would, opening a system with
 * daybook_open_tools first when its tool is not offered, as a real model must. Every request of
 * every turn is counted with js-tiktoken (o200k_base, the gpt-4.1/4o family).
 */
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { ungroundedNote, ungroundedReply } from "../chains/agent/figure-guard.ts";
import { OfflineChatModel, WRITE_TOOL_METADATA_KEY } from "../chains/agent/offline-model.ts";
import { PROMPT_BUDGET_TOKENS } from "../chains/agent/prompt-budget.ts";
import { ROUTER_TOOL } from "../chains/agent/tool-selection.ts";
import { fixedClock } from "../src/core/clock.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { loadOrgData } from "./eval/data.ts";
import { sessions } from "./eval/eval.ts";
import { createWorld, type OrgName, type World } from "./eval/world.ts";
import {
  type ChatRequest,
  contentText,
  offeredNames,
  type PlayerReply,
  promptTokens,
  startFakeOpenAi,
} from "./support/fake-openai.ts";

const at = "2026-11-23T09:00:00Z";

/** The wire's messages as LangChain messages, so the offline model can plan from them. */
function fromWire(request: ChatRequest): BaseMessage[] {
  return request.messages.map((m) => {
    const text = contentText(m.content);
    if (m.role === "system") return new SystemMessage(text);
    if (m.role === "user") return new HumanMessage(text);
    if (m.role === "tool") return new ToolMessage({ content: text, tool_call_id: m.tool_call_id ?? "" });
    return new AIMessage({
      content: text,
      tool_calls: (m.tool_calls ?? []).map((c) => ({
        id: c.id,
        name: c.function.name,
        args: JSON.parse(c.function.arguments || "{}") as Record<string, unknown>,
        type: "tool_call" as const,
      })),
    });
  });
}

interface Measured {
  org: OrgName;
  category: string;
  question: string;
  requests: number[];
  /** The figure guard changed the reply (the player's replies are the offline model's, all grounded). */
  guarded: boolean;
}

async function measure(org: OrgName): Promise<Measured[]> {
  let world: World | undefined;
  let player: ((request: ChatRequest) => Promise<PlayerReply>) | undefined;
  const server = await startFakeOpenAi((request) => {
    if (!player) throw new Error("no player yet");
    return player(request);
  });
  try {
    world = await createWorld(org, at, {
      model: { openaiApiKey: "sk-budget", openaiBaseUrl: `${server.url}/v1`, openaiModel: "gpt-test", maxRetries: 0 },
    });
    const clock = fixedClock(at);
    const catalog = createToolCatalog(world.ports, { clock, timeZone: world.config.timezone, warmLabels: false });
    const domainOf = new Map<string, string>();
    const all: StructuredToolInterface[] = catalog.read.map((r) => {
      domainOf.set(r.tool.name, r.domain);
      return r.tool;
    });
    const writes = new Set<string>();
    for (const a of catalog.actions) {
      domainOf.set(a.name, a.domain);
      writes.add(a.name);
      all.push(
        tool(async () => "", {
          name: a.name,
          description: a.description,
          schema: a.schema as never,
          metadata: { [WRITE_TOOL_METADATA_KEY]: true },
        }) as unknown as StructuredToolInterface,
      );
    }
    const offline = new OfflineChatModel({ clock, entities: await loadKnownEntities(world.ports) }).bindTools(all);
    player = async (request) => {
      const reply = (await offline.invoke(fromWire(request))) as AIMessage;
      const wanted = reply.tool_calls?.[0];
      if (!wanted) return { content: contentText(reply.content) || "Nothing to add." };
      const offered = offeredNames(request);
      if (!offered.includes(wanted.name) && offered.includes(ROUTER_TOOL)) {
        const system = domainOf.get(wanted.name);
        return {
          calls: [
            {
              name: ROUTER_TOOL,
              arguments: JSON.stringify({ systems: [system], ...(writes.has(wanted.name) ? { writes: true } : {}) }),
            },
          ],
        };
      }
      return { calls: [{ name: wanted.name, arguments: JSON.stringify(wanted.args) }] };
    };
    const data = await loadOrgData(world);
    const out: Measured[] = [];
    for (const [s, session] of sessions.entries()) {
      for (const turn of session.turns) {
        const question = turn.say(data);
        const before = server.chats.length;
        const { text } = await world.say(session.user[org], `budget-${s}`, question);
        out.push({
          org,
          category: turn.tags[0] ?? "plain",
          question,
          requests: server.chats.slice(before).map(promptTokens),
          guarded: text.includes(ungroundedNote) || text.includes(ungroundedReply),
        });
      }
    }
    return out;
  } finally {
    await server.close();
  }
}

describe("prompt tokens per ChatOpenAI request over the eval's sessions", () => {
  it(`keeps every request of every turn within ${PROMPT_BUDGET_TOKENS} prompt tokens on both organisations, and every grounded figure`, async () => {
    const measured = [...(await measure("demo")), ...(await measure("second"))];
    const requests = measured.flatMap((m) => m.requests);
    const over = measured.filter((m) => m.requests.some((n) => n > PROMPT_BUDGET_TOKENS));
    const max = Math.max(...requests);
    const sorted = [...requests].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)];
    process.stdout.write(
      `prompt tokens: ${measured.length} turns, ${requests.length} requests, p50 ${p50}, max ${max}, over ${PROMPT_BUDGET_TOKENS}: ${over.length} turns\n`,
    );
    const top = [...measured].sort((a, b) => Math.max(...b.requests) - Math.max(...a.requests)).slice(0, 5);
    for (const m of top)
      process.stdout.write(`  largest: ${m.org} ${m.category} "${m.question}" ${m.requests.join("/")}\n`);
    expect(measured.length).toBeGreaterThan(200);
    expect(requests.length).toBeGreaterThanOrEqual(measured.length);
    expect(over.map((m) => `${m.org}: ${m.question} (${m.requests.join("/")})`)).toEqual([]);
    // Replies rendered from the tools' own results keep every figure: the guard has no false alarms here.
    expect(measured.filter((m) => m.guarded).map((m) => `${m.org}: ${m.question}`)).toEqual([]);
  }, 600_000);
});
