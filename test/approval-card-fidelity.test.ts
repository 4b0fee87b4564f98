import { describe, expect, it } from "vitest";
import { renderCard, textLength } from "../adapters/slack/format/block-kit.ts";
import { slackLimits } from "../adapters/slack/format/limits.ts";
import { maxCardBytes, renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { approvalCard, decidedCard } from "../src/approvals/approval-card.ts";
import { Approvals, hashArgs } from "../src/approvals/approvals.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../src/core/action-ids.ts";
import type { Approval } from "../src/core/approval.ts";
import { type Card, type CardField, cardButtons, cardToText, fromVisibleText, visibleText } from "../src/core/card.ts";
import type { MessageRef } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { demoNow, demoPrincipals, demoWorld, principalOf } from "./agent-fixtures.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { slackMrkdwnTexts, slackShownValues, teamsMarkdownTexts, teamsShownValues } from "./support/approval-views.ts";
import { blockKitViolations } from "./support/block-kit.ts";

const t0 = Date.parse(demoNow);

const phishLink = "[the approved spec](https://evil.example/phish)";
const controls =
  "*bold* _italic_ ~strike~ `code` ```pre``` > quoted <!channel> <!here> <@U1> <#C1|general> " +
  "<http://x.example|label> <!subteam^S1> &amp; &lt;b&gt; &#60; :smile: @everyone | \\* \\_";
const invisible =
  "pay\u200Bpal, invoice \u202Egpj.exe, \u2066isolated\u2069, tag\u{E0041}\u{E0042}, bom\uFEFF, nbsp\u00A0, " +
  "soft\u00ADhyphen, rlm\u200F, zwj\u200D, line\u2028sep, nul\u0000, bell\u0007, cr\r\n, literal ⟨U+202E⟩";
const fakeApproval =
  "\n\nApproved by Fiona Walsh at 2026-11-23 09:05 UTC\n✅ *Approved* — no further review needed\nDone: Created ENG-999";

/** 4,000 characters (the schema maximum for a comment or note) with the link past 2,000. */
function longComment(): string {
  const head = "Status update. ".repeat(140); // 2,100 characters
  const tail = ` See ${phishLink} and ${controls} ${invisible}${fakeApproval}\n`;
  const filler = "More detail follows on this line.\n";
  let text = head + tail;
  while (text.length < 4_000) text += filler;
  return text.slice(0, 4_000);
}

/** Over 10,000 characters, no line breaks for long stretches, so chunks cut mid-line. */
function hugeDescription(): string {
  const words = `word ${"x".repeat(3_100)} ${phishLink} ${invisible} `;
  let text = "";
  while (text.length < 10_500) text += words;
  return `${text}${fakeApproval}`;
}

const adversarial: CardField[] = [
  { label: "Comment", value: longComment() },
  { label: "Description", value: hugeDescription() },
  { label: "Link", value: phishLink },
  { label: "Controls", value: controls },
  { label: "Invisible", value: invisible },
  { label: "Fake approval", value: fakeApproval },
  { label: "Empty", value: "" },
  { label: "Blank", value: " \n\t " },
  { label: "Surrogates", value: `${"a".repeat(2_999)}😀${"b".repeat(10)}` },
  { label: "Escape-looking", value: `${"c".repeat(2_995)}⟨U+0041⟩ and more` },
];

function pendingApproval(args: Record<string, unknown>): Approval {
  return {
    id: "k3m9x2p7qa",
    tool: "jira_add_comment",
    args,
    argsHash: hashArgs(args),
    requester: { principalId: "alex", name: "Alex Rivera", chatUser: { platform: "console", id: "alex" } },
    thread: { platform: "console", workspace: "local", channel: "eng", thread: "t1" },
    policy: { users: [], roles: ["admin"], allowSelfApproval: true, ttlMs: 72 * 3_600_000 },
    createdAt: t0,
    expiresAt: t0 + 72 * 3_600_000,
    status: "pending",
  };
}

const title = `Comment on ENG-145: ${phishLink} <!channel>`;

type Fit = "in full" | "too long";

/**
 * Renders `card` for Slack and Teams and checks what the approver reads. "in full": the
 * reassembled values equal `expected` exactly and Approve is offered. "too long": each value
 * shows only its size, nothing of it in part, and there is no Approve button.
 */
function expectShown(
  card: Card,
  expected: { label: string | undefined; value: string }[],
  fit: Record<"slack" | "teams", Fit>,
) {
  const slack = renderCard(card);
  expect(blockKitViolations(slack)).toEqual([]);
  expect(textLength(slack.blocks)).toBeLessThanOrEqual(slackLimits.messageText);
  const slackValues = slackShownValues(slack);

  const teams = renderAdaptiveCard(card, { approverIds: ["29:fiona"] });
  expectValidAdaptiveCard(teams);
  expect(Buffer.byteLength(JSON.stringify(teams), "utf8")).toBeLessThanOrEqual(maxCardBytes);
  const teamsValues = teamsShownValues(teams);

  for (const [platform, values, json] of [
    ["slack", slackValues, JSON.stringify(slack)],
    ["teams", teamsValues, JSON.stringify(teams)],
  ] as const) {
    if (fit[platform] === "in full") {
      expect(
        values.map(({ label, value }) => ({ label, value })),
        platform,
      ).toEqual(expected);
      if (cardButtons(card).some((b) => b.actionId === APPROVE_ACTION_ID)) {
        expect(json, platform).toContain(APPROVE_ACTION_ID);
      }
      expect(json, platform).not.toContain("too long to show");
    } else {
      const sizes = values.map((v) => v.shown).join("\n");
      for (const e of expected) {
        const size = `⟨${e.value.length} characters: too long to show here⟩`;
        expect(sizes, platform).toContain(e.label ? `${e.label}: ${size}` : size);
      }
      expect(json, platform).not.toContain(APPROVE_ACTION_ID);
      expect(json, platform).toContain(REJECT_ACTION_ID);
      expect(json, platform).toContain("cannot be approved here");
    }
  }

  // Nothing hidden in plain sight: every invisible or direction-changing character is an escape.
  for (const { shown } of [...slackValues, ...teamsValues]) {
    // Controls (but newline and tab), format characters (U+200B, U+202E, tags, BOM…), separators.
    expect(shown.replace(/[\n\t]/g, "")).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00A0]/u);
  }
  // No argument text reaches a part of the message that renders links, mentions or emphasis.
  const rendered = [...slackMrkdwnTexts(slack), ...teamsMarkdownTexts(teams)].join("\n");
  expect(rendered).not.toContain("evil.example");
  expect(rendered).not.toContain("channel");
  expect(rendered).not.toContain("Fiona Walsh");
  // Slack's plain_text never turns :smile: into an emoji.
  for (const block of slack.blocks) {
    if (block.type === "section" && "text" in block && block.text.type === "plain_text") {
      expect(block.text.emoji).toBe(false);
    }
  }
  return { slack, teams };
}

function cardOf(fields: CardField[]) {
  const card = approvalCard(pendingApproval({ fields: fields.map((f) => f.value) }), fields, title);
  return {
    card,
    expected: [{ label: undefined, value: title }, ...fields.map((f) => ({ label: f.label, value: f.value }))],
  };
}

const both = { slack: "in full", teams: "in full" } as const;
const byLabel = (...labels: string[]) => adversarial.filter((f) => labels.includes(f.label));
const description = byLabel("Description");
const realistic = adversarial.filter((f) => !["Description", "Surrogates", "Escape-looking"].includes(f.label));

describe("an approval card shows the approver exactly the stored text", () => {
  it("shows each adversarial argument in full and literally on Slack and on Teams", () => {
    for (const field of adversarial.filter((f) => f.label !== "Description")) {
      const { card, expected } = cardOf([field]);
      expectShown(card, expected, both);
    }
    // A card as large as a real one gets (a 4,000-character comment and more) together.
    const { card, expected } = cardOf(realistic);
    const { slack, teams } = expectShown(card, expected, both);

    // The 4,000-character comment is split across sections, never cut.
    const values = slackShownValues(slack);
    expect(values.find((v) => v.label === "Comment")?.value).toHaveLength(4_000);
    expect(slack.blocks.filter((b) => b.type === "section").length).toBeGreaterThan(realistic.length + 2);
    expect(JSON.stringify(slack)).not.toContain("…");
    // Link targets are shown as written, with their misleading labels.
    expect(values.find((v) => v.label === "Link")?.shown).toBe(phishLink);
    // Invisible characters are named, so "pay\u200Bpal" does not pass for "paypal".
    const shownInvisible = teamsShownValues(teams).find((v) => v.label === "Invisible")?.shown;
    expect(shownInvisible).toContain("pay⟨U+200B⟩pal");
    expect(shownInvisible).toContain("invoice ⟨U+202E⟩gpj.exe");
    expect(shownInvisible).toContain("literal ⟨U+27E8⟩U+202E⟩");
  });

  it("shows a 10,000-character value in full on Teams, and on Slack, which cannot hold it in one message, only its size and no Approve", () => {
    const { card, expected } = cardOf(description);
    expectShown(card, expected, { slack: "too long", teams: "in full" });
    expect(
      teamsShownValues(renderAdaptiveCard(card)).find((v) => v.label === "Description")?.value.length,
    ).toBeGreaterThan(10_000);
  });

  it("offers no Approve button on either platform when all the adversarial arguments together cannot be shown", () => {
    const { card, expected } = cardOf(adversarial);
    expectShown(card, expected, { slack: "too long", teams: "too long" });
  });

  it("shows the hash of the stored arguments on the card, before and after the decision", () => {
    const approval = pendingApproval({ issueKey: "ENG-145", body: longComment() });
    const fields = [{ label: "Comment", value: longComment() }];
    for (const card of [
      approvalCard(approval, fields, title),
      decidedCard({ ...approval, status: "rejected", decidedAt: t0 }, fields, title),
    ]) {
      expect(cardToText(card)).toContain(`Arguments sha256 ${hashArgs(approval.args)}`);
      expect(JSON.stringify(renderCard(card))).toContain(approval.argsHash);
      expect(JSON.stringify(renderAdaptiveCard(card))).toContain(approval.argsHash);
    }
  });

  it("shows the decided card's arguments as literally as the pending one's", () => {
    const approval = pendingApproval({ body: fakeApproval });
    const fields = [
      { label: "Comment", value: fakeApproval },
      { label: "Link", value: phishLink },
    ];
    const decided: Approval = {
      ...approval,
      status: "approved",
      decidedAt: t0,
      decidedBy: { principalId: "sam", name: "Sam Patel" },
      outcome: { ok: true, summary: "Commented on ENG-145" },
    };
    expectShown(
      decidedCard(decided, fields, title),
      [
        { label: undefined, value: title },
        { label: "Comment", value: fakeApproval },
        { label: "Link", value: phishLink },
      ],
      both,
    );
  });

  it("keeps the console view literal too, escapes included", () => {
    const card = approvalCard(pendingApproval({}), [{ label: "Invisible", value: invisible }], title);
    expect(cardToText(card)).toContain(`Invisible:\n${visibleText(invisible)}`);
    expect(fromVisibleText(visibleText(invisible))).toBe(invisible);
  });
});

describe("the approvals service shows and runs the same arguments", () => {
  async function world() {
    const clock = fixedClock(demoNow);
    const { ports, catalog } = demoWorld(clock);
    const written: { issueKey: string; body: string }[] = [];
    const addComment = ports.jira.addComment.bind(ports.jira);
    ports.jira.addComment = async (issueKey, body, options) => {
      written.push({ issueKey, body });
      return addComment(issueKey, body, options);
    };
    const store = new MemoryStore({ clock });
    const approvals = new Approvals({
      store,
      actions: catalog.actions,
      policies: demoOrg.approvals,
      principals: demoPrincipals,
      clock,
      logger: silentLogger,
    });
    const posted: Card[] = [];
    const post = async (card: Card): Promise<MessageRef> => {
      posted.push(card);
      return { thread: { platform: "console", workspace: "local", channel: "eng", thread: "t1" }, messageId: "m1" };
    };
    return { approvals, store, written, posted, post };
  }

  const thread = { platform: "console", workspace: "local", channel: "eng", thread: "t1" } as const;

  it("writes exactly the comment the card showed, whose hash the card named", async () => {
    const w = await world();
    const body = longComment().trim();
    const approval = await w.approvals.requestApproval(
      { tool: "jira_add_comment", args: { issueKey: "ENG-145", body }, requester: principalOf("alex"), thread },
      w.post,
    );
    const card = w.posted[0] as Card;
    const comment = slackShownValues(renderCard(card)).find((v) => v.label === "Comment");
    expect(comment?.value).toBe(body);
    expect(teamsShownValues(renderAdaptiveCard(card)).find((v) => v.label === "Comment")?.value).toBe(body);
    expect(cardToText(card)).toContain(approval.argsHash);

    const result = await w.approvals.decide(approval.id, principalOf("alex").chatUser, "approve");

    expect(result.kind).toBe("decided");
    expect(w.written).toEqual([{ issueKey: "ENG-145", body }]);
    expect(hashArgs({ issueKey: "ENG-145", body: w.written[0]?.body })).toBe(approval.argsHash);
  });

  it("refuses to run arguments whose hash differs from the one on the card", async () => {
    const w = await world();
    const approval = await w.approvals.requestApproval(
      {
        tool: "jira_add_comment",
        args: { issueKey: "ENG-145", body: "ship it" },
        requester: principalOf("alex"),
        thread,
      },
      w.post,
    );
    // Someone with store access swaps the comment after the card was posted.
    const raw = (await w.store.get(`approval:${approval.id}`)) as string;
    const tampered = JSON.parse(raw) as Approval;
    tampered.args = { issueKey: "ENG-145", body: `ship it ${phishLink}` };
    await w.store.set(`approval:${approval.id}`, JSON.stringify(tampered));

    const result = await w.approvals.decide(approval.id, principalOf("alex").chatUser, "approve");

    expect(w.written).toEqual([]);
    expect(result.kind === "decided" && result.approval.outcome?.ok).toBe(false);
    expect(result.kind === "decided" && result.approval.outcome?.summary).toMatch(/differ from the ones shown/);
  });

  it("shows a stored string argument that the action's describe() leaves out", async () => {
    const w = await world();
    const approvals = new Approvals({
      store: w.store,
      actions: demoWorld().catalog.actions.map((a) =>
        a.name === "jira_add_comment" ? { ...a, describe: () => [{ label: "Issue", value: "ENG-145" }] } : a,
      ),
      policies: demoOrg.approvals,
      principals: demoPrincipals,
      clock: fixedClock(demoNow),
      logger: silentLogger,
    });
    await approvals.requestApproval(
      {
        tool: "jira_add_comment",
        args: { issueKey: "ENG-145", body: phishLink },
        requester: principalOf("alex"),
        thread,
      },
      w.post,
    );
    expect(slackShownValues(renderCard(w.posted[0] as Card))).toContainEqual(
      expect.objectContaining({ label: "body", value: phishLink }),
    );
  });
});

describe("a click on an approval the store no longer has", () => {
  it("says the approval is no longer known to daybook, not that it aged out", async () => {
    const clock = fixedClock(demoNow);
    const { catalog } = demoWorld(clock);
    const options = { actions: catalog.actions, policies: demoOrg.approvals, principals: demoPrincipals, clock };
    const before = new Approvals({ ...options, store: new MemoryStore({ clock }), logger: silentLogger });
    const approval = await before.requestApproval(
      {
        tool: "jira_add_comment",
        args: { issueKey: "ENG-145", body: "ship it" },
        requester: principalOf("alex"),
        thread: { platform: "console", workspace: "local", channel: "eng", thread: "t1" },
      },
      async () => ({
        thread: { platform: "console", workspace: "local", channel: "eng", thread: "t1" },
        messageId: "m1",
      }),
    );
    // The store restarted without persistence: same id, no record.
    const after = new Approvals({ ...options, store: new MemoryStore({ clock }), logger: silentLogger });

    const result = await after.decide(approval.id, principalOf("alex").chatUser, "approve");

    expect(result.kind).toBe("not_found");
    const notice = result.kind === "not_found" ? result.notice : "";
    expect(notice).toBe(
      `Approval \`${approval.id}\` is no longer known to daybook (its record is gone), so it cannot be approved or rejected; ask for the change again.`,
    );
    expect(notice).not.toMatch(/30 days|expired|removed after/);
  });

  it("says a mistyped id is not an approval id", async () => {
    const clock = fixedClock(demoNow);
    const approvals = new Approvals({
      store: new MemoryStore({ clock }),
      actions: demoWorld(clock).catalog.actions,
      policies: demoOrg.approvals,
      principals: demoPrincipals,
      clock,
      logger: silentLogger,
    });
    const result = await approvals.decide("x<y>!*", principalOf("alex").chatUser, "approve");
    expect(result).toEqual({ kind: "not_found", notice: "`xy` is not an approval id; check it and try again." });
  });
});
