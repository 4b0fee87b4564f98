/**
 * The agent through ChatOpenAI against a local OpenAI-compatible server that plays a model's
 * moves (issue 13, item 2): single and parallel tool calls, malformed JSON arguments,
 * arguments that fail the schema, an unknown tool name, a tool whose upstream fails, a write,
 * a model that never stops calling tools, and a model that writes figures no tool returned. On
 * the demo organisation and the second organisation.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterEach, describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { ungroundedNote, ungroundedReply } from "../chains/agent/figure-guard.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { ROUTER_TOOL } from "../chains/agent/tool-selection.ts";
import { Approvals } from "../src/approvals/approvals.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import { DaybookError } from "../src/core/errors.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { askAs, contextLine, demoNow, replyText } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import {
  type ChatRequest,
  call,
  contentText,
  offeredNames,
  type Player,
  startFakeOpenAi,
  turnToolMessages,
} from "./support/fake-openai.ts";
import { replyViolations } from "./support/output-scan.ts";
import { secondOrgConfig } from "./support/sweep.ts";

const orgs = [
  { org: "demo", config: demoOrg, asker: "alex" },
  { org: "second", config: secondOrgConfig(), asker: "clara" },
] as const;

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.close();
});

async function openAiWorld(which: (typeof orgs)[number], player: Player, maxToolCalls?: number) {
  const clock = fixedClock(demoNow);
  const ports = createDemoPorts({ clock, ...(which.org === "second" ? { profile: secondOrgProfile } : {}) });
  const executed: string[] = [];
  for (const [port, names] of [
    [ports.jira, ["createIssue", "addComment"]],
    [ports.crm, ["logActivity", "updateDealStage"]],
    [ports.accounting, ["approveInvoice", "rejectInvoice"]],
  ] as const) {
    for (const name of names) {
      (port as unknown as Record<string, unknown>)[name] = async () => {
        executed.push(name);
      };
    }
  }
  const catalog = createToolCatalog(ports, { clock, timeZone: which.config.timezone });
  const principals = createPrincipalResolver(which.config);
  const approvals = new Approvals({
    store: new MemoryStore({ clock }),
    actions: catalog.actions,
    policies: which.config.approvals,
    principals,
    clock,
    logger: silentLogger,
  });
  const server = await startFakeOpenAi(player);
  servers.push(server);
  const { model, label } = await createChatModel({
    openaiApiKey: "sk-test",
    openaiBaseUrl: `${server.url}/v1`,
    openaiModel: "gpt-test",
    maxRetries: 0,
  });
  const answerer = createAgentAnswerer({
    model,
    modelLabel: label,
    catalog,
    approvals,
    logger: silentLogger,
    clock,
    timezone: which.config.timezone,
    ...(maxToolCalls ? { limits: { maxToolCalls } } : {}),
  });
  return {
    ports,
    server,
    executed,
    async ask(text: string) {
      const { answer, posted } = await askAs(answerer, principals, which.asker, text);
      return { answer, posted, text: replyText(answer.card), context: contextLine(answer.card) ?? "" };
    },
  };
}

// zod 4 emits draft 2020-12 schemas ($schema names it); formats such as "date" are checked too.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

/** Every tool offered in every request is a function whose parameters compile as JSON Schema. */
function expectValidSchemas(requests: ChatRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    const names = offeredNames(request);
    expect(new Set(names).size, "tool names are unique").toBe(names.length);
    for (const t of request.tools ?? []) {
      expect(t.type).toBe("function");
      expect(t.function.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(t.function.description.length).toBeGreaterThan(10);
      expect(t.function.parameters).toMatchObject({ type: "object" });
      expect(() => ajv.compile(t.function.parameters), `${t.function.name} compiles`).not.toThrow();
    }
  }
}

/** What no user-facing reply may show: stacks, paths, library names, raw JSON, error codes. */
function expectSentences(text: string): void {
  expect(replyViolations(text)).toEqual([]);
  expect(text).not.toMatch(/[{}]|"error"|"code"|\bbad_request\b|\bupstream_\w+|\binternal\b|\bat \S+ \(/);
  expect(text.trim()).toMatch(/[.!?)]$/);
}

/** Number leaves of a tool result, for a reply that quotes what the tool returned. */
function numbersOf(value: unknown, out: number[] = []): number[] {
  if (typeof value === "number" && Number.isFinite(value) && value > 1) out.push(value);
  else if (Array.isArray(value)) for (const v of value) numbersOf(v, out);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) numbersOf(v, out);
  return out;
}

const format = (n: number) => new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 }).format(n);

/** A model that quotes two figures of the turn's results, formatted the way people write them. */
function quotingReply(request: ChatRequest): { content: string; quoted: string[] } {
  const figures = turnToolMessages(request).flatMap((m) => {
    try {
      return numbersOf(JSON.parse(contentText(m.content)));
    } catch {
      return [];
    }
  });
  const quoted = figures.slice(0, 2).map(format);
  return {
    content:
      quoted.length > 0
        ? `Here is what the lookup returned: ${quoted.join(" and ")} are the figures that matter.`
        : "The lookup returned nothing to count.",
    quoted,
  };
}

/** Plays: call `tool` with `args` once (checking it is offered), then quote the result. */
function oneCall(tool: string, args: Record<string, unknown>, replies: { quoted: string[] }[] = []): Player {
  return (request) => {
    if (turnToolMessages(request).length === 0) {
      if (!offeredNames(request).includes(tool)) return { content: `not offered: ${tool}` };
      return { calls: [call(tool, args)] };
    }
    const reply = quotingReply(request);
    replies.push(reply);
    return { content: reply.content };
  };
}

/** Plays: the calls, then relays each tool message's error sentence the way a model would. */
function relayErrors(calls: ReturnType<typeof call>[]): Player {
  return (request) => {
    const results = turnToolMessages(request);
    if (results.length === 0) return { calls };
    const sentences = results.map((m) => {
      const text = contentText(m.content);
      try {
        return String((JSON.parse(text) as { error?: unknown }).error ?? text);
      } catch {
        return text;
      }
    });
    return { content: `Sorry, that did not work. ${sentences.join(" ")}` };
  };
}

/** Eval-style questions that name their system, and the read tool a model would call. */
const questions: { say: string; tool: string; args: Record<string, unknown> }[] = [
  { say: "what's blocking the sprint?", tool: "jira_sprint_status", args: {} },
  { say: "which blockers have been open longest?", tool: "jira_blockers", args: {} },
  { say: "which deals need me today?", tool: "crm_deals_by_priority", args: {} },
  { say: "which customers might churn?", tool: "crm_account_health", args: {} },
  { say: "what's left for the month-end close?", tool: "accounting_close_exceptions", args: {} },
  { say: "show unreconciled bank transactions", tool: "accounting_bank_transactions", args: {} },
  { say: "what was our profit last month?", tool: "accounting_profit_and_loss", args: {} },
];

for (const which of orgs) {
  describe(`the agent through ChatOpenAI on the ${which.org} organisation`, () => {
    it("runs the tool a model calls for each typical question and keeps a reply whose figures the tool returned", async () => {
      for (const q of questions) {
        const replies: { quoted: string[] }[] = [];
        const world = await openAiWorld(which, oneCall(q.tool, q.args, replies));
        const turn = await world.ask(q.say);
        const [first, second] = world.server.chats;
        expect(offeredNames(first as ChatRequest), q.say).toContain(q.tool);
        expectValidSchemas(world.server.chats);
        expect(world.server.chats, q.say).toHaveLength(2);
        expect(turnToolMessages(second as ChatRequest)).toHaveLength(1);
        // Quoted figures survive the guard: they are the tool's own numbers, formatted.
        expect(turn.text, q.say).not.toContain(ungroundedNote);
        for (const figure of replies[0]?.quoted ?? []) expect(turn.text).toContain(figure);
        expect(turn.context).toContain(`sources: ${q.tool.split("_")[0]}`);
      }
    });

    it("runs parallel tool calls from one response and answers each call by its id", async () => {
      const world = await openAiWorld(which, (request) =>
        turnToolMessages(request).length === 0
          ? { calls: [call("jira_sprint_status", {}, "call_a"), call("jira_blockers", {}, "call_b")] }
          : { content: quotingReply(request).content },
      );
      const turn = await world.ask("how is the sprint going and what's blocked?");
      const second = world.server.chats[1] as ChatRequest;
      const assistant = second.messages.findLast((m) => m.role === "assistant");
      expect(assistant?.tool_calls?.map((c) => c.id)).toEqual(["call_a", "call_b"]);
      expect(turnToolMessages(second).map((m) => m.tool_call_id)).toEqual(["call_a", "call_b"]);
      for (const m of turnToolMessages(second)) expect(contentText(m.content)).not.toMatch(/"error"/);
      expect(turn.text).not.toContain(ungroundedNote);
      expectValidSchemas(world.server.chats);
    });

    it("tells the model in a tool message that its arguments were not JSON, and the person in a sentence", async () => {
      const world = await openAiWorld(which, relayErrors([call("jira_get_issue", '{"key": ENG-1')]));
      const turn = await world.ask("show me the sprint issue ENG-1");
      const second = world.server.chats[1] as ChatRequest;
      const [result] = turnToolMessages(second);
      expect(JSON.parse(contentText(result?.content))).toMatchObject({
        error: expect.stringMatching(/^That lookup \(jira_get_issue\) was sent arguments that are not valid JSON/),
        code: "bad_request",
      });
      expect(turn.text).toContain("not valid JSON");
      expectSentences(turn.text);
    });

    it("gives the person the sentence when a model pastes a failed lookup's raw result into its reply", async () => {
      const world = await openAiWorld(which, (request) => {
        const [result] = turnToolMessages(request);
        if (!result) return { calls: [call("jira_get_issue", '{"key": ENG-1')] };
        return { content: `I tried: ${contentText(result.content)}` };
      });
      const turn = await world.ask("show me the sprint issue ENG-1");
      expect(turn.text).toMatch(/^I tried: That lookup \(jira_get_issue\) was sent arguments that are not valid JSON/);
      expectSentences(turn.text);
    });

    it("tells the model which argument failed the tool's schema, without the parser's stack", async () => {
      const world = await openAiWorld(which, relayErrors([call("crm_deal_detail", { limit: "many" })]));
      const turn = await world.ask("tell me about that deal");
      const [result] = turnToolMessages(world.server.chats[1] as ChatRequest);
      const text = contentText(result?.content);
      expect(JSON.parse(text)).toMatchObject({ code: "bad_request" });
      expect(text).toContain("That lookup (crm_deal_detail) needs different arguments");
      expect(text).not.toMatch(/ZodError|node_modules|\bat \S+ \(/);
      expectSentences(turn.text);
    });

    it("answers a tool name that does not exist with a sentence instead of running anything", async () => {
      const world = await openAiWorld(which, relayErrors([call("jira_teleport_issue", { key: "ENG-1" })]));
      const turn = await world.ask("move the sprint issue ENG-1 to another universe");
      const [result] = turnToolMessages(world.server.chats[1] as ChatRequest);
      expect(JSON.parse(contentText(result?.content))).toMatchObject({
        error: "jira_teleport_issue is not a valid tool; use one of the tools offered.",
        code: "bad_request",
      });
      expectSentences(turn.text);
      expect(world.executed).toEqual([]);
    });

    it("relays an upstream failure as the tool's sentence and the trace id, never the upstream's text", async () => {
      let world: Awaited<ReturnType<typeof openAiWorld>> | undefined;
      world = await openAiWorld(which, relayErrors([call("jira_sprint_status", {})]));
      world.ports.jira.getActiveSprint = async () => {
        throw new DaybookError("upstream_unavailable", "jira 503 at https://jira.internal/rest/agile/1.0 secret-ish", {
          userMessage: "Jira is not answering right now; try again in a few minutes.",
        });
      };
      const turn = await world.ask("what's blocking the sprint?");
      const [result] = turnToolMessages(world.server.chats[1] as ChatRequest);
      expect(JSON.parse(contentText(result?.content))).toEqual({
        error: "Jira is not answering right now; try again in a few minutes.",
        code: "upstream_unavailable",
      });
      expect(turn.text).toContain("Jira is not answering right now");
      expect(turn.text).not.toContain("secret-ish");
      expect(turn.context).toContain("trace trace-test");
      expectSentences(turn.text);
      // A plain exception (a bug in a connector) gives the model a generic sentence, not its message.
      world = await openAiWorld(which, relayErrors([call("jira_sprint_status", {})]));
      world.ports.jira.getActiveSprint = async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'id') at normalize (jira.ts:12:3)");
      };
      const crashed = await world.ask("what's blocking the sprint?");
      const crash = contentText(turnToolMessages(world.server.chats[1] as ChatRequest)[0]?.content);
      expect(crash).not.toMatch(/Cannot read|normalize|jira\.ts/);
      expectSentences(crashed.text);
    });

    it("offers the write tools for a change request and turns the call into an approval card, not a write", async () => {
      const world = await openAiWorld(which, (request) => {
        if (turnToolMessages(request).length > 0) return { content: "I asked for approval to create that ticket." };
        if (!offeredNames(request).includes("jira_create_issue")) return { content: "no write tool offered" };
        return { calls: [call("jira_create_issue", { summary: "Rotate the AWS credentials", type: "Task" })] };
      });
      const turn = await world.ask("create a ticket to rotate the AWS credentials");
      const offered = world.server.chats[0]?.tools?.find((t) => t.function.name === "jira_create_issue");
      expect(offered?.function.description).toMatch(/^Requests approval to:/);
      expect(offered?.function.parameters).toMatchObject({
        type: "object",
        properties: { summary: { type: "string" } },
      });
      const card = turn.posted.at(-1) as Card;
      expect(cardToText(card)).toContain("Rotate the AWS credentials");
      const buttons = card.blocks.flatMap((b) => (b.type === "actions" ? b.buttons.map((x) => x.label) : []));
      expect(buttons).toEqual(["Approve", "Reject"]);
      expect(world.executed).toEqual([]);
      const [result] = turnToolMessages(world.server.chats[1] as ChatRequest);
      expect(contentText(result?.content)).toMatch(
        /requested; waiting for a person to approve\. Nothing has been changed yet\./,
      );
      expect(turn.text).toMatch(/approval .* is waiting for a person/);
      // A question asking for no change is offered no write tool.
      const reads = await openAiWorld(which, () => ({ content: "The sprint looks fine." }));
      await reads.ask("how is the sprint going?");
      expect(offeredNames(reads.server.chats[0] as ChatRequest).some((n) => n === "jira_create_issue")).toBe(false);
    });

    it("stops a model that keeps calling tools at the turn's tool-call limit with a sentence", async () => {
      const world = await openAiWorld(which, () => ({ calls: [call("jira_sprint_status", {})] }), 3);
      const turn = await world.ask("what's blocking the sprint?");
      expect(world.server.chats.length).toBeLessThanOrEqual(4);
      expect(turn.text).toContain("That needed more than 3 lookups");
      expectSentences(turn.text);
    });

    it("drops a statement whose figures no tool returned and keeps the grounded rest, with a note", async () => {
      const world = await openAiWorld(which, (request) => {
        if (turnToolMessages(request).length === 0) return { calls: [call("jira_sprint_status", {})] };
        const grounded = quotingReply(request).content;
        return { content: `${grounded}\nRevenue also grew 37.5% to $912,345 this quarter.` };
      });
      const turn = await world.ask("how is the sprint going?");
      expect(turn.text).toContain("Here is what the lookup returned");
      expect(turn.text).not.toMatch(/37\.5|912,345/);
      expect(turn.text).toContain(ungroundedNote);
    });

    it("replaces a reply made only of invented figures with a safe sentence", async () => {
      const world = await openAiWorld(which, (request) =>
        turnToolMessages(request).length === 0
          ? { calls: [call("accounting_close_exceptions", {})] }
          : { content: "The close has 417 exceptions worth $88,123.45." },
      );
      const turn = await world.ask("what's left for the month-end close?");
      expect(turn.text).toBe(ungroundedReply);
      expectSentences(turn.text);
    });

    it("offers a question that names no system a small router set, then the system the model opens", async () => {
      const world = await openAiWorld(which, (request, n) => {
        if (n === 0) return { calls: [call(ROUTER_TOOL, { systems: ["crm"] })] };
        if (n === 1) return { calls: [call("crm_deals_by_priority", {})] };
        return { content: quotingReply(request).content };
      });
      const turn = await world.ask("what should I look at first this morning?");
      const [first, second] = world.server.chats as [ChatRequest, ChatRequest];
      expect(offeredNames(first).length).toBeLessThanOrEqual(4);
      expect(offeredNames(first)).toContain(ROUTER_TOOL);
      expect(offeredNames(second)).toContain("crm_deal_detail");
      expect(offeredNames(second).some((n) => n.startsWith("accounting_"))).toBe(false);
      expect(turn.context).toContain("sources: crm");
      expect(turn.text).not.toContain(ungroundedNote);
      expectValidSchemas(world.server.chats);
    });
  });
}
