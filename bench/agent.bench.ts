/**
 * npm run bench -- agent
 * (a) Per-turn overhead of daybook's agent code (createAgent graph, tool filtering, approval
 *     tools, history, card) with a zero-latency fake model on the demo tools, against calling
 *     the same tools directly in the same run.
 * (b) Prompt tokens for a typical turn (system prompt + tool schemas + question + tool
 *     result), counted with js-tiktoken (o200k_base, the gpt-4.1/4o family), against the same
 *     turn with raw API-shaped JSON as the tool result.
 */
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import { getEncoding } from "js-tiktoken";
import { createAgent } from "langchain";
import { type AgentToolCatalog, createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { OFFLINE_MODEL_LABEL, OfflineChatModel } from "../chains/agent/offline-model.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import type { AnswerInput } from "../src/core/answerer.ts";
import type { Approval } from "../src/core/approval.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { JiraIssue } from "../src/core/domain/jira.ts";
import { silentLogger } from "../src/core/logger.ts";
import { startFakeServer } from "../test/support/http.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { fmt, percentile, table } from "./stats.ts";

const clock = fixedClock("2026-11-23T09:00:00Z");
const ports = createDemoPorts({ clock });
const catalog: AgentToolCatalog = createToolCatalog(ports, { clock });
const principals = createPrincipalResolver(demoOrg);
const alex = principals.resolve({ platform: "console", id: "alex" });
const approvals = { requestApproval: async () => ({ id: "bench" }) as Approval };
const TURNS = 1_000;
const WARMUP = 100;

const questions: { text: string; tool: RegExp }[] = [
  { text: "what's blocking the sprint?", tool: /sprint/ },
  { text: "which deals need me today?", tool: /deal/ },
  { text: "why is BrightTech at risk?", tool: /(churn|health|risk|customer)/ },
  { text: "what's left for the November close?", tool: /(close|exception)/ },
];

function readTool(pattern: RegExp) {
  const hit = catalog.read.find((r) => pattern.test(r.tool.name));
  if (!hit) throw new Error(`no tool matches ${pattern}`);
  return hit.tool;
}

function input(text: string, i: number): AnswerInput {
  return {
    message: {
      thread: { platform: "console", workspace: "local", channel: "bench", thread: String(i) },
      user: alex.chatUser,
      text,
      receivedAt: clock.now(),
    },
    principal: alex,
    history: [],
    traceId: `b${i}`,
    responder: {
      reply: async () => ({
        thread: { platform: "console", workspace: "local", channel: "bench", thread: "" },
        messageId: "m",
      }),
    },
  };
}

/** What the offline model would call for each question, so the fake model calls the same tool with the same args. */
const entities = await loadKnownEntities(ports);
const offline = new OfflineChatModel({ clock, entities });
const offlineAnswerer = createAgentAnswerer({
  model: offline,
  modelLabel: OFFLINE_MODEL_LABEL,
  catalog,
  approvals,
  logger: silentLogger,
  clock,
});
const scripted: { tool: string; args: Record<string, unknown> }[] = [];
for (const q of questions) {
  const answer = await offlineAnswerer.answer(input(q.text, 0));
  const call = (answer.data as { calls?: { tool: string; args: Record<string, unknown> }[] } | undefined)?.calls?.[0];
  scripted.push(call ?? { tool: readTool(q.tool).name, args: {} });
}

// (a) baseline: the same tool calls made directly, no agent.
async function directTurn(i: number): Promise<void> {
  const call = scripted[i % scripted.length] as (typeof scripted)[number];
  const t = catalog.read.find((r) => r.tool.name === call.tool)?.tool;
  await t?.invoke(call.args);
}

/** A fresh scripted fakeModel per turn: one model queuing 2,000 replies would keep every call's messages alive. */
function fakeAnswererFor(i: number) {
  const call = scripted[i % scripted.length] as (typeof scripted)[number];
  const model = fakeModel()
    .respondWithTools([{ name: call.tool, args: call.args, id: `c${i}` }])
    .respond(new AIMessage("Answer."));
  return createAgentAnswerer({ model, modelLabel: "fake", catalog, approvals, logger: silentLogger, clock });
}

const gcBetweenTurns = process.argv.includes("--gc");
const gc = (globalThis as { gc?: () => void }).gc;

async function measure<T>(
  turn: (i: number, prepared: T) => Promise<void>,
  prepare?: (i: number) => T,
): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await turn(i, prepare?.(i) as T);
  const samples: number[] = [];
  for (let i = WARMUP; i < TURNS + WARMUP; i++) {
    const prepared = prepare?.(i) as T;
    if (gcBetweenTurns) gc?.();
    const t0 = performance.now();
    await turn(i, prepared);
    samples.push(performance.now() - t0);
  }
  return samples;
}

const direct = await measure(directTurn);
const viaFake = await measure(async (i, answerer: ReturnType<typeof fakeAnswererFor>) => {
  await answerer.answer(input((questions[i % questions.length] as (typeof questions)[number]).text, i));
}, fakeAnswererFor);
// LangChain's own cost: the same graph and tools with none of daybook's code around it.
const allTools = catalog.read.map((r) => r.tool);
const bareAgent = await measure(
  async (i, model: ReturnType<typeof fakeModel>) => {
    const agent = createAgent({ model, tools: allTools, systemPrompt: "s" });
    await agent.invoke({
      messages: [new HumanMessage((questions[i % questions.length] as (typeof questions)[number]).text)],
    });
  },
  (i) => {
    const call = scripted[i % scripted.length] as (typeof scripted)[number];
    return fakeModel()
      .respondWithTools([{ name: call.tool, args: call.args, id: `c${i}` }])
      .respond(new AIMessage("Answer."));
  },
);
const viaOffline = await measure(async (i) => {
  await offlineAnswerer.answer(input((questions[i % questions.length] as (typeof questions)[number]).text, i));
});

const p = (s: number[], q: number) => percentile(s, q);
const overhead50 = p(viaFake, 50) - p(direct, 50);
const overhead99 = p(viaFake, 99) - p(direct, 99);

// (b) tokens, measured on the wire: ChatOpenAI against a local OpenAI-compatible server that
// scripts the tool call, so the count covers exactly what the client sends (system prompt,
// tool JSON schemas, question, the assistant's tool call and the tool result).
const enc = getEncoding("o200k_base");
const tokens = (s: string) => enc.encode(s).length;

const sprintCall = scripted[0] as (typeof scripted)[number];
const sprintTool = catalog.read.find((r) => r.tool.name === sprintCall.tool)?.tool;
if (!sprintTool) throw new Error(`no tool ${sprintCall.tool}`);
const sprint = await ports.jira.getActiveSprint();
const sprintIssues = sprint ? await ports.jira.getSprintIssues(sprint.id) : [];
const rawJira = JSON.stringify({
  expand: "names,schema",
  startAt: 0,
  maxResults: 50,
  total: sprintIssues.length,
  issues: sprintIssues.map((issue) => jiraRestIssue(issue, sprint?.id ?? 1, sprint?.name ?? "Sprint")),
});
// The same catalog, except that the sprint tool returns the raw REST payload.
const rawCatalog: AgentToolCatalog = {
  actions: catalog.actions,
  read: catalog.read.map((r) =>
    r.tool.name === sprintTool.name
      ? {
          domain: r.domain,
          tool: tool(async () => rawJira, {
            name: r.tool.name,
            description: r.tool.description,
            schema: r.tool.schema as never,
          }) as unknown as typeof r.tool,
        }
      : r,
  ),
};

interface WireCount {
  total: number;
  system: number;
  tools: number;
  toolResult: number;
}

async function wireTokens(toolCatalog: AgentToolCatalog, userId: string, focusTools = true): Promise<WireCount> {
  let n = 0;
  const server = await startFakeServer(() => {
    n++;
    const message =
      n === 1
        ? {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: sprintCall.tool, arguments: JSON.stringify(sprintCall.args) },
              },
            ],
          }
        : { role: "assistant", content: "Answer." };
    return {
      body: {
        id: `chatcmpl-${n}`,
        object: "chat.completion",
        created: 1,
        model: "gpt-4.1-mini",
        choices: [{ index: 0, message, finish_reason: n === 1 ? "tool_calls" : "stop" }],
      },
    };
  });
  try {
    const { model, label } = await createChatModel({
      openaiApiKey: "sk-bench",
      openaiBaseUrl: `${server.url}/v1`,
      maxRetries: 0,
    });
    const answerer = createAgentAnswerer({
      model,
      modelLabel: label,
      catalog: toolCatalog,
      approvals,
      logger: silentLogger,
      clock,
      focusTools,
    });
    const principal = principals.resolve({ platform: "console", id: userId });
    await answerer.answer({ ...input("what's blocking the sprint?", 0), principal });
    const body = JSON.parse(server.requests.at(-1)?.body ?? "{}") as {
      messages: { role: string; content: unknown }[];
      tools?: unknown[];
    };
    const text = (c: unknown) => (typeof c === "string" ? c : JSON.stringify(c ?? ""));
    const system = body.messages
      .filter((m) => m.role === "system")
      .map((m) => text(m.content))
      .join("");
    const toolResult = body.messages
      .filter((m) => m.role === "tool")
      .map((m) => text(m.content))
      .join("");
    return {
      total: tokens(JSON.stringify({ messages: body.messages, tools: body.tools ?? [] })),
      system: tokens(system),
      tools: tokens(JSON.stringify(body.tools ?? [])),
      toolResult: tokens(toolResult),
    };
  } finally {
    await server.close();
  }
}

const rows: (string | number)[][] = [];
const totals: number[] = [];
const ratios: number[] = [];
for (const [who, userId, focus] of [
  ["alex (all roles)", "alex", true],
  ["maria (engineering)", "maria", true],
  ["alex, every allowed tool bound (focusTools: false)", "alex", false],
] as const) {
  const ours = await wireTokens(catalog, userId, focus);
  const raw = await wireTokens(rawCatalog, userId, focus);
  if (focus) {
    totals.push(ours.total);
    ratios.push(ours.total / raw.total);
  }
  rows.push([
    who,
    ours.system,
    ours.tools,
    ours.toolResult,
    ours.total,
    raw.toolResult,
    raw.total,
    `${fmt(ours.total / raw.total, 3)}x`,
  ]);
}

const report = [
  "### Agent per-turn overhead (zero-latency fake model, demo tools)",
  "",
  table(
    ["path", "turns", "p50 ms", "p99 ms"],
    [
      ["direct tool call (baseline)", TURNS, fmt(p(direct, 50), 3), fmt(p(direct, 99), 3)],
      ["bare createAgent + same tools (LangChain only)", TURNS, fmt(p(bareAgent, 50), 3), fmt(p(bareAgent, 99), 3)],
      ["agent turn, fakeModel", TURNS, fmt(p(viaFake, 50), 3), fmt(p(viaFake, 99), 3)],
      ["agent turn, offline model", TURNS, fmt(p(viaOffline, 50), 3), fmt(p(viaOffline, 99), 3)],
    ],
  ),
  "",
  `Agent overhead over the direct tool call: p50 ${fmt(overhead50, 3)} ms, p99 ${fmt(overhead99, 3)} ms (target p99 turn <= 20 ms: ${p(viaFake, 99) <= 20 ? "met" : "NOT met"}); turn/direct p50 ratio ${fmt(p(viaFake, 50) / p(direct, 50), 1)}x; daybook's own share over bare createAgent: p50 ${fmt(p(viaFake, 50) - p(bareAgent, 50), 3)} ms (${fmt(p(viaFake, 50) / p(bareAgent, 50), 2)}x).`,
  "",
  '### Prompt tokens for a typical turn ("what\'s blocking the sprint?", o200k_base)',
  "",
  table(
    [
      "requester",
      "system",
      "tool schemas",
      "tool result",
      "turn total",
      "raw JSON result",
      "raw turn total",
      "ours / raw",
    ],
    rows,
  ),
  "",
  `Counted on the turn's final model request as ChatOpenAI sent it (JSON of messages + tools). Raw result = the sprint's ${sprintIssues.length} issues shaped like Jira REST /rest/api/3/search/jql with default fields. Targets (focused rows): <= 0.2x (${ratios.every((r) => r <= 0.2) ? "met" : "NOT met"}) and <= 3,000 tokens (${totals.every((t) => t <= 3_000) ? "met" : "NOT met"}).`,
].join("\n");
process.stdout.write(`${report}\n`);

/** A Jira Cloud REST v3 issue as /search/jql returns it with the usual navigable fields. */
function jiraRestIssue(issue: JiraIssue, sprintId: number, sprintName: string) {
  const base = "https://demo.atlassian.net";
  const user = (name: string | undefined) =>
    name
      ? {
          self: `${base}/rest/api/3/user?accountId=5b10ac8d82e05b22cc7d4ef5`,
          accountId: "5b10ac8d82e05b22cc7d4ef5",
          emailAddress: `${name.toLowerCase().replace(/\s+/g, ".")}@example.com`,
          avatarUrls: {
            "48x48": `${base}/avatar/48.png`,
            "24x24": `${base}/avatar/24.png`,
            "16x16": `${base}/avatar/16.png`,
            "32x32": `${base}/avatar/32.png`,
          },
          displayName: name,
          active: true,
          timeZone: "Europe/London",
          accountType: "atlassian",
        }
      : null;
  return {
    expand:
      "operations,versionedRepresentations,editmeta,changelog,customfield_10010.requestTypePractice,renderedFields",
    id: String(10_000 + Number(issue.key.split("-")[1])),
    self: `${base}/rest/api/3/issue/${issue.key}`,
    key: issue.key,
    fields: {
      statuscategorychangedate: issue.statusChangedAt ?? issue.updated,
      issuetype: {
        self: `${base}/rest/api/3/issuetype/10001`,
        id: "10001",
        description: "Functionality or a feature expressed as a user goal.",
        iconUrl: `${base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10315?size=medium`,
        name: issue.type,
        subtask: false,
        avatarId: 10315,
        entityId: "b5e4f2a0-7f5d-4c1e-9c39-0f3b4d6b2a11",
        hierarchyLevel: 0,
      },
      timespent: null,
      customfield_10030: null,
      project: {
        self: `${base}/rest/api/3/project/10000`,
        id: "10000",
        key: issue.key.split("-")[0],
        name: "Engineering",
        projectTypeKey: "software",
        simplified: false,
        avatarUrls: { "48x48": `${base}/project/48.png`, "24x24": `${base}/project/24.png` },
      },
      fixVersions: [],
      aggregatetimespent: null,
      resolution: issue.resolvedAt ? { self: `${base}/rest/api/3/resolution/10000`, id: "10000", name: "Done" } : null,
      customfield_10027: null,
      resolutiondate: issue.resolvedAt ?? null,
      workratio: -1,
      watches: { self: `${base}/rest/api/3/issue/${issue.key}/watchers`, watchCount: 1, isWatching: false },
      lastViewed: null,
      created: issue.created,
      customfield_10020: [
        {
          id: sprintId,
          name: sprintName,
          state: "active",
          boardId: 1,
          goal: "",
          startDate: "2026-11-16T09:00:00.000Z",
          endDate: "2026-11-30T17:00:00.000Z",
        },
      ],
      customfield_10021: issue.flagged
        ? [{ self: `${base}/rest/api/3/customFieldOption/10019`, value: "Impediment", id: "10019" }]
        : null,
      priority: {
        self: `${base}/rest/api/3/priority/3`,
        iconUrl: `${base}/images/icons/priorities/medium.svg`,
        name: issue.priority ?? "Medium",
        id: "3",
      },
      labels: issue.labels,
      customfield_10016: issue.storyPoints ?? null,
      timeestimate: null,
      aggregatetimeoriginalestimate: null,
      versions: [],
      issuelinks: issue.blockedBy.map((b, i) => ({
        id: String(20_000 + i),
        self: `${base}/rest/api/3/issueLink/${20_000 + i}`,
        type: {
          id: "10000",
          name: "Blocks",
          inward: "is blocked by",
          outward: "blocks",
          self: `${base}/rest/api/3/issueLinkType/10000`,
        },
        inwardIssue: { id: "10999", key: b, self: `${base}/rest/api/3/issue/${b}` },
      })),
      assignee: user(issue.assignee),
      updated: issue.updated,
      status: {
        self: `${base}/rest/api/3/status/3`,
        description: "This issue is being actively worked on at the moment by the assignee.",
        iconUrl: `${base}/images/icons/statuses/inprogress.png`,
        name: issue.status,
        id: "3",
        statusCategory: {
          self: `${base}/rest/api/3/statuscategory/4`,
          id: 4,
          key: issue.statusCategory === "done" ? "done" : issue.statusCategory === "todo" ? "new" : "indeterminate",
          colorName: "yellow",
          name: issue.statusCategory === "done" ? "Done" : issue.statusCategory === "todo" ? "To Do" : "In Progress",
        },
      },
      components: [],
      timeoriginalestimate: null,
      description: {
        type: "doc",
        version: 1,
        content: [{ type: "paragraph", content: [{ type: "text", text: issue.summary }] }],
      },
      customfield_10010: null,
      security: null,
      aggregatetimeestimate: null,
      summary: issue.summary,
      creator: user("Alex Rivera"),
      subtasks: [],
      reporter: user("Alex Rivera"),
      aggregateprogress: { progress: 0, total: 0 },
      customfield_10000: "{}",
      environment: null,
      duedate: issue.dueDate ?? null,
      progress: { progress: 0, total: 0 },
      votes: { self: `${base}/rest/api/3/issue/${issue.key}/votes`, votes: 0, hasVoted: false },
    },
  };
}
