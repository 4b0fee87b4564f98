import { describe, expect, it } from "vitest";
import { baseActionId, renderCard } from "../adapters/slack/format/block-kit.ts";
import { toMrkdwn } from "../adapters/slack/format/markdown.ts";
import { signSlackRequest, verifySlackSignature } from "../adapters/slack/webhook/verify.ts";
import { APPROVE_ACTION_ID, DRAFT_FOLLOWUP_ACTION_ID, REJECT_ACTION_ID } from "../src/core/action-ids.ts";
import type { Card, CardBlock, CardButton } from "../src/core/card.ts";
import { blockKitViolations as violations } from "./support/block-kit.ts";

/** A deterministic pseudo-random generator, so a failing case can be reproduced by seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomCard(seed: number): Card {
  const r = rng(seed);
  const int = (max: number) => Math.floor(r() * max);
  const text = (max: number) => {
    const words = [
      "**bold**",
      "_it_",
      "`code`",
      "[link](https://x.example/a?b=1&c=2)",
      "a<b>&c",
      "word",
      "- bullet\n",
      "\n",
      "ünïcode",
    ];
    let s = "";
    const target = int(max);
    while (s.length < target) s += `${words[int(words.length)]} `;
    return s;
  };
  const button = (i: number): CardButton => ({
    actionId: [APPROVE_ACTION_ID, REJECT_ACTION_ID, DRAFT_FOLLOWUP_ACTION_ID][int(3)] as string,
    label: int(5) === 0 ? " " : text(120) || `b${i}`,
    value: "v".repeat(int(2) === 0 ? 10 : 1_990 + int(30)),
    style: (["primary", "danger", "default"] as const)[int(3)],
    ...(int(2) === 0 ? { confirm: { title: text(200), text: text(600), confirm: text(60), deny: text(60) } } : {}),
  });
  const blocks: CardBlock[] = [];
  const n = int(80);
  for (let i = 0; i < n; i++) {
    switch (int(6)) {
      case 0:
        blocks.push({ type: "text", text: text(9_000) });
        break;
      case 1:
        blocks.push({
          type: "fields",
          fields: Array.from({ length: int(30) }, () => ({ label: text(100), value: text(3_000) })),
        });
        break;
      case 2:
        blocks.push({
          type: "list",
          title: text(200),
          items: Array.from({ length: int(40) }, (_, j) => ({
            title: text(200) || "t",
            text: text(400),
            meta: text(40),
            ...(int(3) === 0 ? { url: "https://x.example/i|x>y" } : {}),
            ...(int(4) === 0 ? { buttons: [button(j), button(j + 1)] } : {}),
          })),
        });
        break;
      case 3:
        blocks.push({ type: "actions", buttons: Array.from({ length: int(40) }, (_, j) => button(j)) });
        break;
      case 4:
        blocks.push({ type: "context", text: int(4) === 0 ? "" : text(5_000) });
        break;
      default:
        blocks.push({ type: "divider" });
    }
  }
  return { header: int(4) === 0 ? " " : text(400) || undefined, blocks };
}

describe("Block Kit rendering within Slack's limits", () => {
  it("renders 300 random cards (long texts, many fields, rows and buttons) without exceeding any limit", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const message = renderCard(randomCard(seed));
      expect({ seed, violations: violations(message) }).toEqual({ seed, violations: [] });
    }
  });

  it("renders a card exactly at the limits without truncating it", () => {
    const card: Card = {
      header: "H".repeat(150),
      blocks: [
        { type: "text", text: "t".repeat(3_000) },
        { type: "fields", fields: Array.from({ length: 10 }, (_, i) => ({ label: `L${i}`, value: "v".repeat(100) })) },
        {
          type: "actions",
          buttons: [{ actionId: APPROVE_ACTION_ID, label: "A".repeat(75), value: "x".repeat(2_000), style: "primary" }],
        },
      ],
    };
    const message = renderCard(card);
    expect(violations(message)).toEqual([]);
    expect(message.blocks).toHaveLength(4);
    expect(message.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "H".repeat(150), emoji: true },
    });
    expect(message.blocks[1]).toEqual({ type: "section", text: { type: "mrkdwn", text: "t".repeat(3_000) } });
  });

  it("splits text just over 3,000 characters into two sections and keeps every character", () => {
    const text = `${"a".repeat(2_000)}\n${"b".repeat(1_500)}`;
    const sections = renderCard({ blocks: [{ type: "text", text }] }).blocks;
    expect(sections).toHaveLength(2);
    const joined = sections.map((b) => ("text" in b ? b.text.text : "")).join("\n");
    expect(joined).toBe(text);
  });

  it("puts 12 fields into two sections of at most 10", () => {
    const blocks = renderCard({
      blocks: [{ type: "fields", fields: Array.from({ length: 12 }, (_, i) => ({ label: `L${i}`, value: "v" })) }],
    }).blocks;
    expect(blocks.map((b) => ("fields" in b ? b.fields.length : 0))).toEqual([10, 2]);
  });

  it("ends a card of more than 50 blocks with a 'more' line instead of being rejected", () => {
    const message = renderCard({
      blocks: Array.from({ length: 80 }, (_, i) => ({ type: "text" as const, text: `row ${i}` })),
    });
    expect(message.blocks).toHaveLength(50);
    const last = message.blocks.at(-1);
    expect(last?.type).toBe("context");
    expect(JSON.stringify(last)).toContain("31 more blocks not shown");
  });

  it("drops a button whose value is too long rather than sending a truncated id", () => {
    const message = renderCard({
      blocks: [
        { type: "actions", buttons: [{ actionId: APPROVE_ACTION_ID, label: "Approve", value: "x".repeat(2_001) }] },
      ],
    });
    expect(message.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(JSON.stringify(message.blocks)).toContain("could not be shown");
  });

  it("renders approve with a primary style and a confirm dialog, reject as danger", () => {
    const message = renderCard({
      blocks: [
        {
          type: "actions",
          buttons: [
            {
              actionId: APPROVE_ACTION_ID,
              label: "Approve",
              value: "ap1",
              style: "primary",
              confirm: { title: "Approve?", text: "Runs the write.", confirm: "Approve", deny: "Cancel" },
            },
            { actionId: REJECT_ACTION_ID, label: "Reject", value: "ap1", style: "danger" },
          ],
        },
      ],
    });
    expect(message.blocks[0]).toMatchObject({
      type: "actions",
      elements: [
        {
          action_id: APPROVE_ACTION_ID,
          style: "primary",
          value: "ap1",
          confirm: { title: { text: "Approve?" }, confirm: { text: "Approve" } },
        },
        { action_id: REJECT_ACTION_ID, style: "danger", value: "ap1" },
      ],
    });
  });

  it("makes repeated action ids unique within a block and maps them back on click", () => {
    const buttons = Array.from({ length: 3 }, (_, i) => ({
      actionId: DRAFT_FOLLOWUP_ACTION_ID,
      label: `Deal ${i}`,
      value: `deal-${i}`,
    }));
    const [block] = renderCard({ blocks: [{ type: "actions", buttons }] }).blocks;
    const ids = block?.type === "actions" ? block.elements.map((e) => e.action_id) : [];
    expect(new Set(ids).size).toBe(3);
    expect(ids.map(baseActionId)).toEqual([
      DRAFT_FOLLOWUP_ACTION_ID,
      DRAFT_FOLLOWUP_ACTION_ID,
      DRAFT_FOLLOWUP_ACTION_ID,
    ]);
  });

  it("always includes fallback text", () => {
    expect(renderCard({ blocks: [{ type: "divider" }] }).text.length).toBeGreaterThan(0);
    expect(renderCard({ header: "Standup", blocks: [] }).text).toBe("Standup");
  });
});

describe("Markdown subset to Slack mrkdwn", () => {
  it("converts bold, links, code and bullets and escapes &, < and >", () => {
    expect(toMrkdwn("**Done** 5 & <3")).toBe("*Done* 5 &amp; &lt;3");
    expect(toMrkdwn("see [ENG-12](https://jira.example/browse/ENG-12?a=1&b=2)")).toBe(
      "see <https://jira.example/browse/ENG-12?a=1&amp;b=2|ENG-12>",
    );
    expect(toMrkdwn("run `a<b`")).toBe("run `a&lt;b`");
    expect(toMrkdwn("- one\n- _two_")).toBe("• one\n• _two_");
  });

  it("keeps a link label or URL from breaking out of the link", () => {
    expect(toMrkdwn("[a|b](https://x.example/?q=a|b>c)")).toBe("<https://x.example/?q=a%7Cb%3Ec|a¦b>");
  });
});

describe("Slack request signatures", () => {
  const now = Date.parse("2026-11-23T09:00:00Z");
  const ts = String(now / 1000);
  const body = "token=x&command=%2Fdaybook";

  it("accepts Slack's v0 signature and rejects any change to the body, timestamp or secret", () => {
    const signature = signSlackRequest("s3cret", ts, body);
    expect(
      verifySlackSignature({ signingSecret: "s3cret", signature, timestamp: ts, rawBody: body, nowMs: now }),
    ).toEqual({ ok: true });
    expect(
      verifySlackSignature({ signingSecret: "s3cret", signature, timestamp: ts, rawBody: `${body} `, nowMs: now }).ok,
    ).toBe(false);
    expect(
      verifySlackSignature({ signingSecret: "other", signature, timestamp: ts, rawBody: body, nowMs: now }).ok,
    ).toBe(false);
    expect(
      verifySlackSignature({
        signingSecret: "s3cret",
        signature: signature.slice(0, -1),
        timestamp: ts,
        rawBody: body,
        nowMs: now,
      }).ok,
    ).toBe(false);
  });

  it("rejects timestamps more than five minutes away in either direction", () => {
    const sign = (t: number) => signSlackRequest("s3cret", t, body);
    const at = (offsetSec: number) => {
      const t = now / 1000 + offsetSec;
      return verifySlackSignature({
        signingSecret: "s3cret",
        signature: sign(t),
        timestamp: String(t),
        rawBody: body,
        nowMs: now,
      });
    };
    expect(at(-300).ok).toBe(true);
    expect(at(-301)).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(at(301)).toEqual({ ok: false, reason: "stale_timestamp" });
  });

  it("matches the worked example in Slack's documentation", () => {
    // https://docs.slack.dev/authentication/verifying-requests-from-slack
    const exampleBody =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(signSlackRequest("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, exampleBody)).toBe(
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    );
  });
});
