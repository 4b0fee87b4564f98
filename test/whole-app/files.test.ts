/**
 * Issue 16, items 8 and 9 at the platforms' fakes: an export asked in chat arrives as a CSV in
 * the thread (Slack: upload v2, files.getUploadURLExternal -> the bytes to the returned URL ->
 * files.completeUploadExternal with channel_id and thread_ts; Teams: a card linking to a signed,
 * expiring URL daybook serves), and a digest's chart arrives in the digest's thread the same
 * ways (Teams: an Image element from the signed URL, with alt text and the text fallback). A
 * proposal (issue 16, item 4) arrives as two files, Markdown and PDF, the same ways.
 */
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Reminders } from "../../src/bot/reminders.ts";
import { silentLogger } from "../../src/core/logger.ts";
import { slotOf } from "../../src/scheduler/scheduler.ts";
import { northwindProfile } from "../../tools/demo/profile.ts";
import { secondOrgProfile } from "../fixtures/second-org/profile.ts";
import { readPdf } from "../support/pdf-text.ts";
import { redisSkipReason } from "../support/redis.ts";
import { startWholeApp, type WholeApp } from "../support/whole-app.ts";
import {
  orgSpecs,
  person,
  slackChannelOf,
  slackMention,
  teamsBase,
  teamsChannelOf,
  teamsInstall,
  until,
} from "./drive.ts";

/** Every Image and Action.OpenUrl URL in a Teams activity's cards. */
function cardUrls(activity: Record<string, unknown>): { images: { url: string; altText?: string }[]; links: string[] } {
  const images: { url: string; altText?: string }[] = [];
  const links: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (o.type === "Image" && typeof o.url === "string")
        images.push({ url: o.url, ...(typeof o.altText === "string" ? { altText: o.altText } : {}) });
      if (o.type === "Action.OpenUrl" && typeof o.url === "string") links.push(o.url);
      Object.values(o).forEach(walk);
    }
  };
  walk(activity);
  return { images, links };
}

/** The signed link's path and query, asked of this app (the link names DAYBOOK_PUBLIC_URL's host). */
async function download(w: WholeApp, link: string): Promise<Response> {
  const u = new URL(link);
  return fetch(`${w.url}${u.pathname}${u.search}`);
}

describe.skipIf(redisSkipReason !== undefined).each(orgSpecs)("files and charts on $label", (spec) => {
  let w: WholeApp;
  const asker = () => person(spec.org, spec.asker);
  beforeAll(async () => {
    w = await startWholeApp({ org: spec.org, ports: spec.ports(), teamsAppId: spec.teamsAppId });
    for (const name of Object.keys(spec.org.channels)) await teamsInstall(w, asker(), teamsChannelOf(name));
  });
  afterAll(async () => {
    await w?.close();
  });

  it("uploads 'export the P&L to CSV' into the Slack thread with upload v2", async () => {
    // A direct message: only the asker reads it, so the books may be shown.
    const dm = `D0WAFILES${spec.asker.toUpperCase()}`;
    const ts = await slackMention(w, asker(), dm, "export the P&L to CSV");
    const complete = await until(() => w.slack.calls("files.completeUploadExternal").find((c) => c.thread_ts === ts));
    expect(complete.channel_id).toBe(dm);
    const [file] = complete.files as { id: string; title: string }[];
    const asked = w.slack.calls("files.getUploadURLExternal").find((c) => String(c.filename).startsWith("pnl-"));
    expect(asked?.filename).toMatch(/^pnl-\d{4}-\d{2}\.csv$/);
    expect(Number(asked?.length)).toBeGreaterThan(100);
    const upload = w.slack.requests.find((r) => r.path === `/upload/${file?.id}`);
    expect(upload?.method).toBe("POST");
    expect(upload?.body).toContain("Net profit");
    // The reply says what the file holds, in the same thread.
    const reply = w.slack.posted().find((p) => p.args.thread_ts === ts && /Exported/.test(String(p.args.text)));
    expect(String(reply?.args.text)).toMatch(/net profit/i);
  });

  it("sends an export the channel may not see to the asker privately, without the file, and uploads nothing in the channel", async () => {
    const channel = slackChannelOf(spec.jiraChannel);
    const audience = spec.org.channels[spec.jiraChannel]?.audience;
    // The Jira channel's declared audience leaves the books out.
    if (!audience || audience.includes("accounting")) return;
    const ts = await slackMention(w, asker(), channel, "export the P&L to CSV");
    const note = await until(() => w.slack.posted().find((p) => p.args.thread_ts === ts));
    expect(String(note.args.text)).toMatch(/privately|direct message/i);
    const dm = await until(() =>
      w.slack
        .posted()
        .find((p) => String(p.args.channel).startsWith("D") && /file is not attached/.test(JSON.stringify(p.args))),
    );
    expect(JSON.stringify(dm.args)).toMatch(/Exported the P(&amp;|&|\\u0026)L/);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.slack.calls("files.completeUploadExternal").filter((c) => c.thread_ts === ts)).toEqual([]);
  });

  it("posts a reminder asked in Slack into its thread once, when two replicas sweep after it is due", async () => {
    const channel = `D0WAREMIND${spec.asker.toUpperCase()}`;
    const ts = await slackMention(w, asker(), channel, "remind me about the board pack tomorrow at 9");
    const set = await until(() => w.slack.posted().find((p) => p.args.thread_ts === ts));
    expect(String(set.args.text)).toMatch(/remind you about \*?the board pack\*? on .+ at 09:00/);
    // Another replica over the same Redis, its clock two days on.
    const later = { now: () => Date.now() + 2 * 86_400_000 };
    const replicas = [
      w.app.reminders,
      new Reminders({ store: w.app.store, clock: later, logger: silentLogger, timeZoneOf: () => "UTC" }),
    ];
    const early = await w.app.reminders.deliverDue(w.app.adapters);
    expect(early).toBe(0);
    const [, posted] = await Promise.all([
      replicas[0]?.deliverDue(w.app.adapters),
      replicas[1]?.deliverDue(w.app.adapters),
    ]);
    expect(posted).toBe(1);
    const reminder = w.slack
      .posted()
      .filter((p) => p.args.thread_ts === ts && /Reminder for/.test(String(p.args.text)));
    expect(reminder).toHaveLength(1);
    expect(String(reminder[0]?.args.text)).toContain(`Reminder for ${asker().name}: the board pack`);
  });

  it("links 'export the deals to CSV' in Teams from a signed URL that refuses a changed or expired signature", async () => {
    const conversation = `a:personal-files-${spec.asker}`;
    const res = await w.teamsActivity({
      ...teamsBase(w, asker(), conversation, "personal"),
      type: "message",
      id: `files-${spec.asker}-1`,
      text: "export the deals to CSV",
    });
    expect(res.status).toBeLessThan(300);
    const card = await until(() =>
      w.connector
        .calls()
        .find(
          (c) => c.conversationId === conversation && cardUrls(c.activity).links.some((l) => l.includes("/files/")),
        ),
    );
    const link = cardUrls(card.activity).links.find((l) => l.includes("/files/")) as string;
    const ok = await download(w, link);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/csv/);
    const csv = await ok.text();
    expect(csv.split("\r\n")[0]).toMatch(/^\uFEFF?Deal,Company,Stage,Amount/);
    const tampered = link.replace(/sig=([0-9a-f])/, (_, c: string) => `sig=${c === "0" ? "1" : "0"}`);
    expect((await download(w, tampered)).status).toBe(403);
    const expired = new URL(link);
    expired.searchParams.set("exp", String(Math.floor(Date.now() / 1000) - 60));
    expect((await download(w, expired.toString())).status).toBe(403);
  });

  // The proposal's total from the organisation's own price list: 500 users, 12 months, less the annual discount.
  const proposalTotal = () => {
    const list = spec.org.sales?.priceList;
    if (!list) throw new Error(`${spec.label} has no price list`);
    const total = 500 * list.unitPrice * 12 * (1 - list.annualDiscount);
    return new Intl.NumberFormat("en-US", { style: "currency", currency: list.currency }).format(total);
  };
  const hotCompany = () => (spec.asker === "alex" ? northwindProfile : secondOrgProfile).deals.hot.company;

  it("uploads a proposal into the Slack thread as Markdown and PDF with upload v2", async () => {
    const dm = `D0WAPROPOSAL${spec.asker.toUpperCase()}`;
    const ts = await slackMention(w, asker(), dm, `proposal for ${hotCompany()}, 500 users, annual`);
    const completes = await until(() => {
      const done = w.slack.calls("files.completeUploadExternal").filter((c) => c.thread_ts === ts);
      return done.length === 2 ? done : undefined;
    });
    expect(completes.every((c) => c.channel_id === dm)).toBe(true);
    const asked = w.slack.calls("files.getUploadURLExternal").filter((c) => String(c.filename).startsWith("proposal-"));
    expect(asked.map((c) => String(c.filename).replace(/-\d{4}-\d{2}-\d{2}/, ""))).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.md$/), expect.stringMatching(/\.pdf$/)]),
    );
    const ids = completes.flatMap((c) => (c.files as { id: string }[]).map((f) => f.id));
    const bodies = ids.map((id) => w.slack.requests.find((r) => r.path === `/upload/${id}`)?.body ?? "");
    expect(bodies.some((b) => b.includes("%PDF-1.3"))).toBe(true);
    expect(bodies.some((b) => b.includes(`| **Total for the year** | **${proposalTotal()}** |`))).toBe(true);
    const reply = await until(() =>
      w.slack.posted().find((p) => p.args.thread_ts === ts && /Total for the year/.test(String(p.args.text))),
    );
    expect(String(reply.args.text)).toContain(proposalTotal());
  });

  it("links a proposal's Markdown and PDF in Teams from signed URLs, served as text/markdown and application/pdf", async () => {
    const conversation = `a:personal-proposal-${spec.asker}`;
    const res = await w.teamsActivity({
      ...teamsBase(w, asker(), conversation, "personal"),
      type: "message",
      id: `proposal-${spec.asker}-1`,
      text: `proposal for ${hotCompany()}, 500 users, annual`,
    });
    expect(res.status).toBeLessThan(300);
    const links = await until(() => {
      const found = w.connector
        .calls()
        .filter((c) => c.conversationId === conversation)
        .flatMap((c) => cardUrls(c.activity).links.filter((l) => l.includes("/files/")));
      return found.length === 2 ? found : undefined;
    });
    const downloads = await Promise.all(links.map((l) => download(w, l)));
    const byType = new Map(downloads.map((d) => [d.headers.get("content-type") ?? "", d]));
    const md = byType.get("text/markdown; charset=utf-8");
    const pdf = byType.get("application/pdf");
    expect(md?.status).toBe(200);
    expect(pdf?.headers.get("content-disposition")).toMatch(/^attachment; filename="proposal-.+\.pdf"$/);
    expect(await md?.text()).toContain(`| **Total for the year** | **${proposalTotal()}** |`);
    const read = readPdf(new Uint8Array(await (pdf as Response).arrayBuffer()));
    expect(read.header).toBe("%PDF-1.3");
    expect(read.pages).toBe(1);
    expect(read.text).toContain(proposalTotal());
  });

  it("posts the standup's burndown chart in the digest's Slack thread and as a Teams card image", async () => {
    const slot = slotOf(Date.UTC(2026, 11, 2, 9, 0));
    await w.app.work?.dispatchDigest("standup", slot);
    const channel = spec.org.digests.standup?.channels[0] as string;
    const digestPost = await until(() =>
      w.slack.posted().find((p) => p.args.channel === slackChannelOf(channel) && !p.args.thread_ts),
    );
    const complete = await until(() =>
      w.slack.calls("files.completeUploadExternal").find((c) => c.thread_ts === digestPost.ts),
    );
    expect(complete.channel_id).toBe(slackChannelOf(channel));
    const asked = w.slack.calls("files.getUploadURLExternal").find((c) => String(c.filename).startsWith("burndown-"));
    expect(String(asked?.alt_text)).toMatch(/story points left/i);

    const teamsCard = await until(() =>
      w.connector
        .calls()
        .find((c) => c.conversationId.startsWith(teamsChannelOf(channel)) && cardUrls(c.activity).images.length > 0),
    );
    const [image] = cardUrls(teamsCard.activity).images;
    expect(image?.altText).toMatch(/story points left/i);
    // The chart replies under the digest's own post.
    expect(JSON.stringify(teamsCard.activity)).toMatch(/points left/);
    const png = await download(w, image?.url as string);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    const decoded = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
    expect(decoded.width).toBeGreaterThanOrEqual(1_200);
    expect(decoded.height).toBeGreaterThanOrEqual(600);
  });

  it.each([
    ["sales", "pipeline-", "Pipeline by stage"],
    ["close", "pnl-trend-", "P&L trend"],
    ["weekly", "velocity-", "Velocity"],
  ] as const)("posts the %s digest's chart in the thread of its Slack post", async (digest, prefix, title) => {
    const channel = spec.org.digests[digest]?.channels[0];
    if (!channel) throw new Error(`${digest} has no channel in ${spec.label}`);
    await w.app.work?.dispatchDigest(digest, slotOf(Date.UTC(2026, 11, 2, 10, 0)));
    const asked = await until(() =>
      w.slack.calls("files.getUploadURLExternal").find((c) => String(c.filename).startsWith(prefix)),
    );
    expect(String(asked.alt_text).length).toBeGreaterThan(40);
    const threads = new Set(
      w.slack
        .posted()
        .filter((p) => p.args.channel === slackChannelOf(channel) && !p.args.thread_ts)
        .map((p) => p.ts),
    );
    const complete = await until(() =>
      w.slack
        .calls("files.completeUploadExternal")
        .find(
          (c) => threads.has(String(c.thread_ts)) && (c.files as { title?: string }[]).some((f) => f.title === title),
        ),
    );
    expect(complete.channel_id).toBe(slackChannelOf(channel));
  });
});
