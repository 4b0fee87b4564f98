import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { normaliseTeamsText, type TeamsMention } from "../adapters/teams/format/inbound.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { NewJiraIssue } from "../src/core/domain/jira.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type App, compose } from "../src/main.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { startFakeServer } from "./support/http.ts";
import { startTeamsAuth, type TeamsTestAuth } from "./support/teams-tokens.ts";

const bot = { id: "28:daybook-bot", name: "daybook" };
const maria = { id: "29:demo-maria", name: "Maria Garcia" };
const mentionOf = (who: { id: string; name: string }, shown = who.name): TeamsMention => ({
  text: `<at>${shown}</at>`,
  mentioned: who,
});

describe("Teams inbound text", () => {
  it("removes the bot's mention and shows other mentions as @names", () => {
    const text = normaliseTeamsText("<at>daybook</at> assign ENG-142 to <at>Maria</at>", {
      mentions: [mentionOf(bot), mentionOf(maria, "Maria")],
      botId: bot.id,
    });
    expect(text).toBe("assign ENG-142 to @Maria Garcia");
  });

  it("removes every mention of the bot, wherever it is, and tidies the spacing", () => {
    expect(
      normaliseTeamsText("thanks <at>daybook</at>, and <at>daybook</at> one more", {
        mentions: [mentionOf(bot)],
        botId: bot.id,
      }),
    ).toBe("thanks, and one more");
  });

  it("shows a mention with no matching entity by its text", () => {
    expect(normaliseTeamsText("ask <at>Sam Patel</at>", { mentions: [], botId: bot.id })).toBe("ask @Sam Patel");
  });

  it("decodes HTML entities, so a write gets the text the person typed", () => {
    expect(
      normaliseTeamsText("fix login &amp; signup for &lt;admins&gt;&nbsp;today &quot;now&quot; &#39;ok&#39;"),
    ).toBe("fix login & signup for <admins> today \"now\" 'ok'");
  });

  it("decodes once, so a typed &lt; stays &lt;", () => {
    expect(normaliseTeamsText("a &amp;lt; b")).toBe("a &lt; b");
  });

  it("strips formatting to text, keeps line breaks of blocks, and shows emoji by their alt text", () => {
    const html =
      '<div><p><at>daybook</at>&nbsp;what is <b>blocking</b> the <i>sprint</i>?</p><p>second <span style="x">line</span><br>third <img alt="🙂" src="x"></p></div>';
    expect(normaliseTeamsText(html, { mentions: [mentionOf(bot)], botId: bot.id })).toBe(
      "what is blocking the sprint?\nsecond line\nthird 🙂",
    );
    expect(normaliseTeamsText("<p>a</p>  <p>b</p><div>c</div>")).toBe("a\nb\nc");
    // A blank line the person typed in plain text is kept.
    expect(normaliseTeamsText("first\n\nsecond")).toBe("first\n\nsecond");
  });

  it("shows a link's target literally: the URL alone, or the label followed by the URL", () => {
    expect(normaliseTeamsText('see <a href="https://evil.example/phish">the approved spec</a>')).toBe(
      "see the approved spec (https://evil.example/phish)",
    );
    expect(
      normaliseTeamsText('<a href="https://docs.example/a?b=1&amp;c=2">https://docs.example/a?b=1&amp;c=2</a>'),
    ).toBe("https://docs.example/a?b=1&c=2");
  });

  it("keeps text that only looks like a tag, and drops scripts and quoted-reply placeholders", () => {
    expect(normaliseTeamsText("notify <admins> and <team-leads>")).toBe("notify <admins> and <team-leads>");
    expect(normaliseTeamsText('<attachment id="123"></attachment>hi<script>alert(1)</script>')).toBe("hi");
  });
});

// ---- through POST /api/messages of the composed app -----------------------------------------

describe("inbound Teams text over POST /api/messages of the composed app", () => {
  const clock = fixedClock("2026-11-23T09:00:00Z");
  let connector: Awaited<ReturnType<typeof startFakeServer>>;
  let app: App;
  let http: Hono;
  let auth: TeamsTestAuth;
  const created: NewJiraIssue[] = [];

  beforeAll(async () => {
    let n = 0;
    connector = await startFakeServer(() => ({ body: { id: `msg-${++n}` } }));
    const ports = createDemoPorts({ clock });
    const createIssue = ports.jira.createIssue.bind(ports.jira);
    ports.jira.createIssue = async (input, options) => {
      created.push(input);
      return createIssue(input, options);
    };
    auth = await startTeamsAuth();
    const env = loadConfig({
      MICROSOFT_APP_ID: auth.appId,
      MICROSOFT_APP_PASSWORD: auth.appPassword,
      MICROSOFT_APP_TYPE: "MultiTenant",
    }).env;
    const store = new MemoryStore({ clock });
    app = await compose(
      { env, org: demoOrg, orgSource: "test" },
      { store, ports, clock, logger: silentLogger, platforms: true, teamsEndpoints: auth.endpoints },
    );
    http = createServer({ store, logger: silentLogger, inFlight: app.inFlight, routes: app.routes });
  });

  afterAll(async () => {
    await app?.close();
    await connector?.close();
    await auth?.close();
  });

  it("proposes and creates a Jira issue with decoded text and the mentioned person's name", async () => {
    const channelId = "19:engineering@thread.tacv2";
    const root = "1700000000001";
    const activity = {
      type: "message",
      id: root,
      channelId: "msteams",
      serviceUrl: connector.url,
      timestamp: "2026-11-23T09:00:00.000Z",
      from: { id: "29:demo-alex", name: "Alex Rivera" },
      recipient: bot,
      conversation: { id: `${channelId};messageid=${root}`, conversationType: "channel", tenantId: "tenant-1" },
      channelData: { tenant: { id: "tenant-1" } },
      textFormat: "plain",
      text: "<p><at>daybook</at>&nbsp;create a jira issue to fix login &amp; signup for &lt;admins&gt; reported by <at>Maria</at></p>",
      entities: [
        { type: "mention", mentioned: bot, text: "<at>daybook</at>" },
        { type: "mention", mentioned: maria, text: "<at>Maria</at>" },
      ],
    };
    const res = await http.request("/api/messages", {
      method: "POST",
      headers: { "content-type": "application/json", ...auth.headers(activity) },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(200);
    await app.inFlight.drain(10_000);

    const posted = () =>
      connector.requests
        .filter((r) => r.method === "POST" && /\/v3\/conversations\/[^/]+\/activities/.test(r.path))
        .map((r) => r.body);
    await vi.waitFor(() => expect(posted().some((b) => b.includes(APPROVE_ACTION_ID))).toBe(true), { timeout: 15_000 });
    const card = posted().find((b) => b.includes(APPROVE_ACTION_ID)) ?? "";
    const id = /"value":"([a-z0-9]{10})"/.exec(card)?.[1] ?? "";
    const approval = await app.approvals.get(id);
    expect(approval?.tool).toBe("jira_create_issue");
    expect(approval?.args.summary).toBe("fix login & signup for <admins> reported by @Maria Garcia");
    expect(JSON.stringify(approval?.args)).not.toMatch(/&amp;|&lt;|&nbsp;|<at>|<\/?p>/);

    const decided = await app.approvals.decide(
      id,
      { platform: "teams", id: "29:demo-alex", name: "Alex Rivera" },
      "approve",
    );
    expect(decided.kind).toBe("decided");
    await vi.waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]?.summary).toBe("fix login & signup for <admins> reported by @Maria Garcia");
  });
});
