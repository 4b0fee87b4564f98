import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DigestName, digestNames } from "../../src/config/org.ts";
import { slotOf } from "../../src/scheduler/scheduler.ts";
import { redisSkipReason } from "../support/redis.ts";
import { startWholeApp, type WholeApp } from "../support/whole-app.ts";
import { orgSpecs, person, settle, slackChannelOf, teamsChannelOf, teamsInstall } from "./drive.ts";

describe.skipIf(redisSkipReason !== undefined).each(orgSpecs)("scheduled digests on $label", (spec) => {
  let w: WholeApp;
  const slot = slotOf(Date.UTC(2026, 11, 1, 9, 0));
  beforeAll(async () => {
    w = await startWholeApp({
      org: spec.org,
      ports: spec.ports(),
      teamsAppId: spec.teamsAppId,
    });
    // Teams posts proactively with the reference stored when daybook was added to the channel.
    const installer = person(spec.org, spec.asker);
    for (const name of Object.keys(spec.org.channels)) await teamsInstall(w, installer, teamsChannelOf(name));
  });
  afterAll(async () => {
    await w?.close();
  });

  it("schedules the five digests the org configures", () => {
    expect(scheduled).toEqual(expect.arrayContaining(["standup", "sales", "churn", "close", "weekly"]));
  });

  const channelsOf = (digest: DigestName) => spec.org.digests[digest]?.channels ?? [];

  const scheduled = digestNames.filter((d) => spec.org.digests[d] && spec.org.digests[d]?.enabled !== false);
  it.each(scheduled)(
    "posts the %s digest, fired through the work queue, in its Slack channel and its Teams channel",
    async (digest) => {
      await w.app.work?.dispatchDigest(digest, slot);
      const record = await waitForRun(w, digest);
      expect(record.status, JSON.stringify(record)).toBe("delivered");
      expect(channelsOf(digest).length).toBeGreaterThan(0);
      for (const channel of channelsOf(digest)) {
        const slack = w.slack.posted().filter((p) => p.args.channel === slackChannelOf(channel) && !p.args.thread_ts);
        expect(slack.length, `Slack #${channel}`).toBeGreaterThan(0);
        const teams = w.connector
          .calls()
          .filter((c) => c.method === "POST" && c.conversationId === teamsChannelOf(channel));
        expect(teams.length, `Teams ${channel}`).toBeGreaterThan(0);
        expect(teams[0]?.authorization).toMatch(/^Bearer /);
        expect(JSON.stringify(teams[0]?.activity)).toContain("application/vnd.microsoft.card.adaptive");
        const platforms = new Set(
          record.deliveries.filter((d) => d.channel === channel && d.receipt).map((d) => d.platform),
        );
        // The demo channels also name a console target (the terminal of the server process).
        expect([...platforms].filter((p) => p !== "console").sort()).toEqual(["slack", "teams"]);
      }
    },
  );

  it("posts a slot once however many times its firing is queued", async () => {
    const digest = "standup";
    const channel = slackChannelOf(channelsOf(digest)[0] ?? "");
    const before = w.slack.posted().filter((p) => p.args.channel === channel && !p.args.thread_ts).length;
    await Promise.all([w.app.work?.dispatchDigest(digest, slot), w.app.work?.dispatchDigest(digest, slot)]);
    await settle(1_500);
    expect(w.slack.posted().filter((p) => p.args.channel === channel && !p.args.thread_ts).length).toBe(before);
  });
});

async function waitForRun(w: WholeApp, digest: DigestName) {
  const end = Date.now() + 20_000;
  for (;;) {
    const [latest] = await w.app.scheduler.runLog(digest, 1);
    if (latest) return latest;
    if (Date.now() > end) throw new Error(`no run recorded for ${digest}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
