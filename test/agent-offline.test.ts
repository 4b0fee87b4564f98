import { describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { Approvals } from "../src/approvals/approvals.ts";
import { Bot } from "../src/bot/bot.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import type { Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { Conversation, contextLine, demoNow, demoPrincipals, demoWorld, testThread } from "./agent-fixtures.ts";

/**
 * Numbers as a reader sees them, normalised so "$250K", "250,000" and "250000" compare equal.
 * Signs are dropped (a "-65%" change may be described as "down 65%"); digits inside ids
 * ("apr1x", "ENG-145" counts 145) are not separate figures. Clock times ("2:00 PM") become
 * "time:14:00" so they compare with the tools' ISO timestamps; "and 8 more" becomes "more:8",
 * the rest of a list the tool returned.
 */
function figures(text: string): Set<string> {
  return new Set(readFigures(text).map((f) => f.forms[0] as string));
}

/** Each figure with the forms it may take in a tool output: "85%" is 85 or 0.85. */
function readFigures(text: string): { shown: string; forms: string[] }[] {
  const out: { shown: string; forms: string[] }[] = [];
  const rest = text
    .replace(/\b(\d{1,2}):(\d{2})\s*([AP]M)\b/g, (all, h: string, m: string, ampm: string) => {
      const hour = (Number(h) % 12) + (ampm === "PM" ? 12 : 0);
      out.push({ shown: all, forms: [`time:${String(hour).padStart(2, "0")}:${m}`] });
      return " ";
    })
    .replace(/\band (\d+) more\b/g, (all, n: string) => {
      out.push({ shown: all, forms: [`more:${Number(n)}`] });
      return " ";
    });
  for (const m of rest.matchAll(/(?<![A-Za-z0-9_.])(\d[\d,]*(?:\.\d+)?)\s*([kKmM%])?(?![\w])/g)) {
    const raw = Number((m[1] as string).replace(/,/g, ""));
    if (!Number.isFinite(raw)) continue;
    const scale = m[2] === "k" || m[2] === "K" ? 1_000 : m[2] === "m" || m[2] === "M" ? 1_000_000 : 1;
    const n = (x: number) => String(Math.round(x * 1000) / 1000);
    out.push({ shown: m[0], forms: m[2] === "%" ? [n(raw), n(raw / 100)] : [n(raw * scale)] });
  }
  return out;
}

/**
 * Figures a turn's tool outputs support: every number and ISO clock time in them, and the
 * counts of what they list (a list's length; how many of its items have, or lack, a field),
 * because "4 deals need you" counts the returned deals that carry an urgency.
 */
function knownFigures(toolOutputs: string[]): Set<string> {
  const text = toolOutputs.join("\n");
  const known = figures(text);
  for (const m of text.matchAll(/T(\d{2}):(\d{2})/g)) known.add(`time:${m[1]}:${m[2]}`);
  // "2026-11-20T09:00Z" shown as "Nov 20": the date's parts are figures of the output.
  for (const m of text.matchAll(/(\d{4})-(\d{2})-(\d{2})/g))
    for (const part of m.slice(1)) known.add(String(Number(part)));
  const counts = (value: unknown): void => {
    if (Array.isArray(value)) {
      known.add(String(value.length));
      // "and 8 more" after the first few items of a returned list.
      for (let k = 1; k < value.length; k++) known.add(`more:${k}`);
      const items = value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null);
      for (const key of new Set(items.flatMap((i) => Object.keys(i)))) {
        const set = items.filter((i) => {
          const v = i[key];
          return v !== undefined && v !== null && v !== "" && v !== false && !(Array.isArray(v) && v.length === 0);
        }).length;
        known.add(String(set));
        known.add(String(value.length - set));
      }
      for (const v of value) counts(v);
    } else if (value && typeof value === "object") {
      for (const v of Object.values(value)) counts(v);
    }
  };
  for (const output of toolOutputs) {
    try {
      counts(JSON.parse(output));
    } catch {
      // Plain-text outputs contribute their numbers only.
    }
  }
  return known;
}

/** Figures in the reply that no tool output of the turn contains. */
function ungrounded(reply: string, toolOutputs: string[]): string[] {
  const known = knownFigures(toolOutputs);
  const missing = readFigures(reply)
    .filter((f) => !f.forms.some((form) => known.has(form)))
    .map((f) => f.forms[0] as string);
  return [...new Set(missing)];
}

async function offlineAgent() {
  const clock = fixedClock(demoNow);
  const { ports, catalog } = demoWorld(clock);
  const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
  const answerer = createAgentAnswerer({
    model,
    modelLabel: label,
    catalog,
    approvals: { requestApproval: async () => Promise.reject(new Error("no writes expected")) },
    logger: silentLogger,
    clock,
  });
  return { answerer, ports, catalog, clock };
}

const demoQuestions = [
  "what's blocking the sprint?",
  "how is the sprint going?",
  "which deals need me today?",
  "why is BrightTech at risk?",
  "what's left for the November close?",
];

describe("the offline model on the demo organisation", () => {
  it("says a tool's refusal in one plain sentence, with no heading, 'Error:' or error code", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("show the P&L for January 2023");

    expect(turn.text.split("\n")[0]).toBe("The books start in November 2024; there are no figures for January 2023.");
    expect(turn.text).not.toMatch(/Error:|Code:|not_found|not found|Profit and loss\n/i);
  });

  it("answers the sprint question with the blocked stories and their owners", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("what's blocking the sprint?");

    expect(turn.text).toContain("ENG-145");
    expect(turn.text).toContain("Maria Garcia");
    expect(turn.text).toContain("Expired AWS credentials");
    expect(contextLine(turn.answer.card)).toBe("offline model · sources: jira");
  });

  it("leads the blockers answer with the count, then each story's owner, age and human reason", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("what's blocking the sprint?");

    expect(turn.text.split("\n")[0]).toBe("2 stories are blocking **Sprint 24**:");
    expect(turn.text).toContain(
      "- [ENG-145](https://demo.atlassian.net/browse/ENG-145) Integrate payments API (**Maria Garcia**, blocked 2 days, waiting on another team, flagged): Waiting on API spec from the Backend team",
    );
    expect(turn.text).toContain("(**David Okafor**, blocked 1 day, waiting on another team): Expired AWS credentials");
    expect(turn.text).not.toMatch(/waiting_on_team|Blocked days:|Reason:/);
  });

  it("says how the sprint is going in one sentence before the lists", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("how is the sprint going?");

    expect(turn.text.split("\n")[0]).toBe(
      "**Sprint 24** is 72% done (72 of 100 points, up from 65% yesterday) with 6 days left.",
    );
    expect(turn.text).toContain("Ready for review (1):");
    expect(turn.text).not.toMatch(/Done pct|Total points/);
  });

  it("lists Alex's deals for today with the hot Acme deal first", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("which deals need me today?");

    expect(turn.answer.data).toMatchObject({
      calls: [{ tool: "crm_deals_by_priority", args: { ownerId: "owner-alex" } }],
    });
    const acme = turn.text.indexOf("Acme Corp");
    expect(acme).toBeGreaterThan(-1);
    expect(acme).toBeLessThan(turn.text.indexOf("TechStart Inc"));
    expect(turn.text).toContain("250,000");
  });

  it("leads with the deals that have urgency, in words, and sums up the rest in one line", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("which deals need me today?");
    const lines = turn.text.split("\n");

    expect(lines[0]).toBe("4 deals need you today (of 15 open):");
    expect(lines[1]).toBe(
      "- [Acme Corp - Platform rollout](https://app.hubspot.com/contacts/demo/deal/1001) ($250,000, 85%) replied this morning: answer Acme Corp's reply today.",
    );
    expect(lines[2]).toContain("($500,000, 45%) meeting tomorrow 2:00 PM UTC: confirm attendees and agenda.");
    expect(lines[3]).toContain("($80,000, 72%) silent for 5 days: re-engage the champion with something new.");
    expect(lines[4]).toContain("($120,000, 40%) no reply for 9 days: send a short check-in");
    expect(lines[5]).toMatch(/^Nothing urgent on the rest \(6 more listed, 5 further down\); the biggest of those is /);
    expect(lines).toHaveLength(7);
    expect(turn.text).not.toMatch(/Probability|meeting_soon|Urgency|\d{4}-\d{2}-\d{2}T/);
  });

  it("numbers follow-ups by the order the reply showed ('the third one' is the third deal listed)", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");
    await alex.ask("which deals need me today?");

    const third = await alex.ask("and the third one?");

    expect(third.answer.data).toMatchObject({ calls: [{ tool: "crm_deal_detail", args: { dealId: "1002" } }] });
    expect(third.text).toMatch(
      /^\[TechStart Inc - Team plan\]\(.+\): \$80,000, 72%, \$57,600 weighted, in Proposal Sent/,
    );
  });

  it("explains why BrightTech is at risk from its usage drop and ticket", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("why is BrightTech at risk?");

    expect(turn.text).toContain("BrightTech Inc");
    expect(turn.text).toContain("usage down 65% over 14 days");
    expect(turn.text).toContain("Too complicated");
  });

  it("gives BrightTech's risk level, the signals behind it and what to do", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("why is BrightTech at risk?");

    expect(turn.text).toMatch(
      /^\[BrightTech Inc\]\(https:\/\/app\.hubspot\.com\/[^)]+\) is at \*\*high\*\* churn risk \(score \d+\): \$12,000 ARR, Growth plan, owner Priya Shah\.\n/,
    );
    expect(turn.text).toContain("Why:\n- usage down 65% over 14 days\n");
    expect(turn.text).toContain("**Do:** Book a usage review with BrightTech Inc's admin this week.");
    expect(turn.text).toContain("Nov 20 9:00 AM UTC, note: Ticket T-9812");
    expect(turn.text).not.toMatch(/Usage change pct|Admin last login days ago|Arr:/);
  });

  it("lists the November close exceptions with the invoice lacking a PO and the duplicate", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("what's left for the November close?");

    expect(turn.answer.data).toMatchObject({
      calls: [{ tool: "accounting_close_exceptions", args: { month: "2026-11" } }],
    });
    expect(turn.text).toContain("4729");
    expect(turn.text).toContain("Acme Consulting");
    expect(turn.text).toContain("4801");
    expect(turn.text).toContain("as 4756");
  });

  it("leads the close answer with the count of exceptions and says what to do with each", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("what's left for the November close?");
    const lines = turn.text.split("\n");

    expect(lines[0]).toBe("6 exceptions are left for the November 2026 close:");
    expect(lines).toHaveLength(7);
    expect(lines[1]).toBe(
      "- Invoice [4729](https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=inv-4729) from **Acme Consulting**, $8,500 (Nov 13), has no purchase order: get a PO or approve it by exception.",
    );
    expect(lines[2]).toContain("from **Office Depot**, $450, looks like a duplicate (same vendor invoice reference");
    expect(turn.text).toContain("$2,100 out on Nov 15 (WIRE 448120): wire with no documentation");
    expect(turn.text).toContain("$12.50 out on Nov 23");
    expect(turn.text).toContain("Marketing is up 18% on last month to the same day ($102,764.36 vs $87,088.44)");
    expect(turn.text).not.toMatch(/Counts:|Total: 8500|Bills matched/);
  });

  it("keeps the demo answers short enough to read in a chat thread", async () => {
    const { answerer } = await offlineAgent();
    for (const question of demoQuestions) {
      const turn = await new Conversation(answerer, "alex").ask(question);
      expect(turn.text.length, question).toBeLessThan(1_200);
    }
  });

  it("resolves 'and the second one?' against the deals it listed in the same thread", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");
    const first = await alex.ask("which deals need me today?");
    const listed = (first.answer.data as { refs: { id: string; name: string }[] }).refs;

    const second = await alex.ask("and the second one?");

    expect(second.answer.data).toMatchObject({ calls: [{ tool: "crm_deal_detail", args: { dealId: listed[1]?.id } }] });
    expect(second.text).toContain(listed[1]?.name);
    expect(second.text).not.toContain(listed[0]?.name);
  });

  it("resolves 'why is it at risk?' to the customer the thread is about", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");
    await alex.ask("which customers might churn?");
    await alex.ask("tell me about the second one");

    const turn = await alex.ask("why is it at risk?");

    expect(turn.answer.data).toMatchObject({
      calls: [{ tool: "crm_account_health", args: { customer: "DataFlow Corp" } }],
    });
    expect(turn.text).toContain("DataFlow Corp");
  });

  it("refuses an engineer's accounting question politely and names what she can ask", async () => {
    const { answerer } = await offlineAgent();
    const maria = new Conversation(answerer, "maria");

    const turn = await maria.ask("what's left for the November close?");

    expect(turn.answer.data).toMatchObject({ calls: [] });
    expect(turn.text).toMatch(/^Sorry, I can't look at accounting/);
    expect(turn.text).toContain("your roles don't include");
    expect(turn.text).toContain("what's blocking the sprint?");
  });

  it("tells a person with no roles that they have no data access instead of guessing", async () => {
    const { answerer } = await offlineAgent();
    const stranger = new Conversation(answerer, "nobody-configured");

    const turn = await stranger.ask("which deals need me today?");

    expect(turn.answer.data).toMatchObject({ calls: [] });
    expect(turn.text).toContain("no data access configured");
  });

  it("keeps every figure of every demo answer inside that turn's tool outputs", async () => {
    const { answerer } = await offlineAgent();
    const others = [
      "which customers might churn?",
      "show ENG-145",
      "show invoice 4729",
      "P&L for last month",
      "bank transactions this month",
    ];
    for (const question of [...demoQuestions, ...others]) {
      const result = await answerer.answerWithTrace({
        message: {
          thread: testThread,
          user: { platform: "console", id: "alex" },
          text: question,
          receivedAt: Date.parse(demoNow),
        },
        principal: demoPrincipals.resolve({ platform: "console", id: "alex" }),
        history: [],
        traceId: "grounding",
        responder: { reply: async () => ({ thread: testThread, messageId: "m" }) },
      });
      const reply = cardToText(result.card);
      const outputs = result.trace.toolResults.map((r) => r.content);
      expect(outputs.length, question).toBeGreaterThan(0);
      expect(figures(reply).size, question).toBeGreaterThan(0);
      expect(ungrounded(reply, outputs), question).toEqual([]);
    }
  });

  it("flags a reply that invents a figure (the grounding check can fail)", () => {
    const outputs = ['{"name":"Acme Corp","amount":250000,"probability":0.85}'];
    expect(ungrounded("Acme Corp: $250K at 0.85", outputs)).toEqual([]);
    expect(ungrounded("Acme Corp: 250,000 at 0.85", outputs)).toEqual([]);
    expect(ungrounded("Acme Corp: $260K at 0.85", outputs)).toEqual(["260000"]);
    expect(ungrounded("Acme Corp: 250,000 at 0.9, 3 calls", outputs)).toEqual(["0.9", "3"]);
  });

  it("accepts a figure shown in another form (85% for 0.85, a clock time for an ISO time) and no other", () => {
    const outputs = ['{"amount":250000,"probability":0.85,"nextMeetingAt":"2026-11-24T14:00Z"}'];
    expect(ungrounded("$250,000 at 85%, meeting tomorrow 2:00 PM UTC (Nov 24)", outputs)).toEqual([]);
    expect(ungrounded("$250,000 at 90%", outputs)).toEqual(["90"]);
    expect(ungrounded("meeting tomorrow 3:00 PM UTC", outputs)).toEqual(["time:15:00"]);
    expect(ungrounded("$250,001 at 85%", outputs)).toEqual(["250001"]);
  });

  it("accepts counts of what a tool listed but not a count it cannot support", () => {
    const outputs = ['{"deals":[{"name":"A","urgency":["replied"]},{"name":"B","urgency":[]},{"name":"C"}]}'];
    expect(ungrounded("1 deal needs you today; nothing urgent on the other 2 of 3", outputs)).toEqual([]);
    expect(ungrounded("4 deals need you today", outputs)).toEqual(["4"]);
    expect(ungrounded("- A\n- and 2 more", outputs)).toEqual([]);
    expect(ungrounded("- A\n- and 3 more", outputs)).toEqual(["more:3"]);
  });
});

describe("the sales digest's draft follow-up through the offline model", () => {
  it("drafts from the deal's own activity and asks approval to log it as a note", async () => {
    const clock = fixedClock(demoNow);
    const { ports, catalog } = demoWorld(clock);
    const requested: { tool: string; args: Record<string, unknown> }[] = [];
    const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
    const answerer = createAgentAnswerer({
      model,
      modelLabel: label,
      catalog,
      approvals: {
        async requestApproval(request) {
          requested.push({ tool: request.tool, args: request.args });
          return { id: "aprdraft1" } as Awaited<ReturnType<Approvals["requestApproval"]>>;
        },
      },
      logger: silentLogger,
      clock,
    });
    const alex = new Conversation(answerer, "alex");

    // The text chains/digests/buttons.ts sends for the "Draft follow-up" button.
    const turn = await alex.ask(
      "Draft a follow-up email for the Acme Corp - Platform rollout deal (deal 1001) and log it as a note on the deal.",
    );

    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({
      tool: "crm_log_activity",
      args: { target: { kind: "deal", id: "1001" }, type: "note" },
    });
    expect(String(requested[0]?.args.body)).toContain("asking for pricing for 500 users");
    expect(turn.text).toContain("Here is a draft follow-up for **Acme Corp - Platform rollout**");
    expect(turn.text).toContain("Approval aprdraft1 requested");
    expect(ungrounded(turn.text, [JSON.stringify((await ports.crm.getDeal("1001")).activities)])).toEqual([]);
  });
});

describe("a write through the offline model and the real approvals", () => {
  it("posts an approval card, executes nothing until approved, then logs the call once and shows it", async () => {
    const clock = fixedClock(demoNow);
    const { ports, catalog } = demoWorld(clock);
    const store = new MemoryStore({ clock });
    const posted: Card[] = [];
    const responder: Responder = {
      async reply(card) {
        posted.push(card);
        return { thread: testThread, messageId: `m${posted.length}` };
      },
    };
    let logged = 0;
    const logActivity = ports.crm.logActivity.bind(ports.crm);
    ports.crm.logActivity = async (input, options) => {
      logged++;
      return logActivity(input, options);
    };
    const approvals = new Approvals({
      store,
      actions: catalog.actions,
      policies: demoOrg.approvals,
      principals: demoPrincipals,
      clock,
      logger: silentLogger,
      post: async (_thread, card) => responder.reply(card),
    });
    const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
    const answerer = createAgentAnswerer({ model, modelLabel: label, catalog, approvals, logger: silentLogger, clock });
    const bot = new Bot({
      answerer,
      history: new ThreadHistory(store),
      principals: demoPrincipals,
      logger: silentLogger,
      approvals,
      clock,
    });
    const say = async (text: string) => {
      const before = posted.length;
      await bot.handle(
        { thread: testThread, user: { platform: "console", id: "alex" }, text, receivedAt: clock.now() },
        responder,
      );
      return posted.slice(before);
    };

    const requested = await say("log a call on BrightTech: discussed onboarding");

    const card = requested.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID));
    expect(card, requested.map(cardToText).join("\n---\n")).toBeDefined();
    const approvalId = cardButtons(card as Card).find((b) => b.actionId === APPROVE_ACTION_ID)?.value as string;
    expect(cardToText(card as Card)).toContain("discussed onboarding");
    expect(cardToText(requested.at(-1) as Card)).toContain(`Approval ${approvalId} requested`);
    expect(logged).toBe(0);
    expect((await approvals.get(approvalId))?.status).toBe("pending");

    await say(`approve ${approvalId}`);
    await say(`approve ${approvalId}`);

    expect(logged).toBe(1);
    expect((await approvals.get(approvalId))?.status).toBe("approved");
    const customer = await ports.crm.getCustomer("5001");
    expect(customer.activities.filter((a) => a.summary === "discussed onboarding")).toHaveLength(1);

    const followUp = await say("why is BrightTech at risk?");

    expect(cardToText(followUp.at(-1) as Card)).toContain("discussed onboarding");
  });
});
