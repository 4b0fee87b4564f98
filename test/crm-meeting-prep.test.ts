/**
 * Meeting (demo) prep (issue 16, item 4): "prep me for the <company> demo" through the composed
 * app and the offline agent, on the demo and the second organisation and on more than one
 * date. What it must find is what each organisation's profile planted in the demo deal's
 * discovery call, evaluation email and note (the seed data), each with the id and date of
 * the activity it came from; the rules are checked on their own, and the same answer is read
 * through the HubSpot connector from the second organisation's local fake.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { CrmActivity, DealDetail } from "../src/core/domain/crm.ts";
import { localToday } from "../src/core/period.ts";
import { prepareMeeting } from "../tools/crm/meeting-prep.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { type OrgFakes, startOrgFakes } from "./support/org-fakes/index.ts";
import { replyFailure, secondOrgConfig, sweepOrgs } from "./support/sweep.ts";
import { threadWorld } from "./support/thread-world.ts";

const orgs = [sweepOrgs[0]!, sweepOrgs[2]!];
const dates = ["2026-12-04T10:00:00Z", "2027-03-31T21:30:00Z"];

function dealWith(activities: CrmActivity[]): DealDetail {
  return {
    id: "9",
    name: "Example Ltd - Platform",
    company: { id: "8", name: "Example Ltd" },
    stage: "Demo Scheduled",
    amount: 1000,
    currency: "USD",
    probability: 0.5,
    closeDate: "2026-12-31",
    ownerId: "o",
    url: "u",
    activities,
  };
}
const note = (id: string, at: string, text: string, extra: Partial<CrmActivity> = {}): CrmActivity => ({
  id,
  type: "note",
  at,
  summary: text,
  ...extra,
});

describe("meeting prep rules", () => {
  const now = Date.parse("2026-12-04T10:00:00Z");
  const opts = { now, timeZone: "UTC", competitors: ["Okta", "Auth0"] };

  it("takes a sentence with a pain word as a pain point, with the activity and date it came from", () => {
    const prep = prepareMeeting(
      dealWith([
        note("n1", "2026-12-01T09:00:00Z", "Nice call. Onboarding new staff is slow and manual. Next step: demo."),
      ]),
      opts,
    );
    expect(prep.painPoints).toEqual([
      {
        text: "Onboarding new staff is slow and manual",
        source: { activityId: "n1", type: "note", date: "2026-12-01" },
      },
    ]);
  });

  it("finds listed competitors by whole word only, and an unlisted one after 'evaluating', and no pain in their sentence", () => {
    const prep = prepareMeeting(
      dealWith([
        note("n1", "2026-12-01T09:00:00Z", "Oktane tickets are a pain. They are evaluating Okta and Beyond Identity."),
        note("n2", "2026-12-02T09:00:00Z", "Okta was too expensive for them."),
      ]),
      opts,
    );
    expect(prep.competitors.map((c) => [c.name, c.listed, c.sources.map((s) => s.activityId)])).toEqual([
      ["Okta", true, ["n1", "n2"]],
      ["Beyond Identity", false, ["n1"]],
    ]);
    expect(prep.painPoints.map((p) => p.text)).toEqual(["Oktane tickets are a pain"]);
  });

  it("names stakeholders from 'First Last (Title)' and gives the budget and champion cues to the nearest name", () => {
    const prep = prepareMeeting(
      dealWith([
        note("e1", "2026-12-01T09:00:00Z", "Intro", {
          type: "email",
          direction: "inbound",
          body: "From Ana Lima (VP Finance): thanks. Ben Ode (IT Manager) will join. Carla Diaz (tomorrow) is away.",
        }),
        note("n2", "2026-12-02T09:00:00Z", "Ana Lima signs off on the budget; Ben Ode is our champion"),
        note("n3", "2026-12-09T09:00:00Z", "Dee Fox (CTO) joins next week"),
      ]),
      opts,
    );
    expect(prep.stakeholders.map((s) => [s.name, s.title, s.role, s.sources.map((x) => x.activityId)])).toEqual([
      ["Ana Lima", "VP Finance", "decision maker", ["e1", "n2"]],
      ["Ben Ode", "IT Manager", "champion", ["e1", "n2"]],
    ]);
    expect(prep.read).toBe(2);
  });

  it("says the notes name nothing yet when they don't", () => {
    const prep = prepareMeeting(dealWith([note("n1", "2026-12-01T09:00:00Z", "Intro call went well")]), opts);
    expect(prep.painPoints).toEqual([]);
    expect(prep.talkingPoints).toEqual([
      "The notes name no pain point or competitor yet: open the demo by asking what made them look",
    ]);
  });
});

/** The activity of the demo deal whose text holds `needle`: its id and its date in the org's timezone. */
function sourceOf(deal: DealDetail, needle: string, timeZone: string): string {
  const a = deal.activities.find((x) => `${x.summary} ${x.body ?? ""}`.includes(needle));
  if (!a) throw new Error(`no activity says ${needle}`);
  return `${a.id}, ${localToday(Date.parse(a.at), timeZone)}`;
}

for (const o of orgs) {
  describe(`meeting prep on ${o.label}`, () => {
    for (const iso of dates) {
      it(`finds the demo deal's pain points, competitors and stakeholders with their sources on ${iso}`, async () => {
        const now = Date.parse(iso);
        const world = await threadWorld(o, now);
        try {
          const { company } = o.profile.deals.demo;
          const { discovery } = o.profile.deals.demo;
          const [found] = (await world.ports.crm.findDeals(company)).filter((d) => !/^closed/i.test(d.stage));
          const deal = await world.ports.crm.getDeal(found!.id);
          const [card] = await world.say(`prep me for the ${company} demo`);
          const text = cardToText(card!);
          expect(replyFailure(text)).toBeUndefined();
          expect(text).toContain(`Demo prep: ${deal.name}`);
          expect(text).toContain(`${deal.stage}, owner ${deal.ownerName}`);
          const tz = o.org.timezone;
          expect(text).toContain(`Pain points (${discovery.painPoints.length}):`);
          for (const pain of discovery.painPoints) expect(text).toContain(`- ${pain} (`);
          for (const pain of discovery.painPoints) expect(text).toContain(sourceOf(deal, pain, tz));
          for (const rival of discovery.competitors)
            expect(text).toContain(`- ${rival} (email from them ${sourceOf(deal, rival, tz)})`);
          const [buyer, champion, third] = discovery.stakeholders;
          expect(text).toContain(`- ${buyer.name}, ${buyer.title}, decision maker (`);
          expect(text).toContain(`- ${champion.name}, ${champion.title}, champion (`);
          expect(text).toContain(`- ${third.name}, ${third.title} (call ${sourceOf(deal, third.name, tz)}`);
          expect(text).not.toMatch(/Call prep:/);
          expect(blockKitViolations(renderCard(card!))).toEqual([]);
          expectValidAdaptiveCard(renderAdaptiveCard(card!));
        } finally {
          await world.close();
        }
      });
    }

    it("keeps call prep for a customer account and demo prep for a deal", async () => {
      const now = Date.parse(dates[0]!);
      const world = await threadWorld(o, now);
      try {
        const customer = o.profile.customers.declining.name;
        const [call] = await world.say(`prep me for my call with ${customer}`);
        expect(cardToText(call!)).toContain(`Call prep: ${customer}`);
        const [demo] = await world.say(`demo prep for ${o.profile.deals.demo.company}`);
        expect(cardToText(demo!)).toContain(`Demo prep: ${o.profile.deals.demo.company}`);
      } finally {
        await world.close();
      }
    });

    it("says so when no open deal matches the company", async () => {
      const world = await threadWorld(o, Date.parse(dates[0]!));
      try {
        const [card] = await world.say("prep me for the Nonesuch Holdings demo");
        expect(cardToText(card!)).toContain('No open deal matches "Nonesuch Holdings"');
      } finally {
        await world.close();
      }
    });
  });
}

describe("meeting prep through the HubSpot connector (second organisation's local fake)", () => {
  const at = "2026-12-04T10:00:00Z";
  const org = generateDemoOrg({ now: Date.parse(at), profile: secondOrgProfile });
  const demo = createDemoPorts({ clock: fixedClock(at), org });
  let fakes: OrgFakes;
  beforeAll(async () => {
    fakes = await startOrgFakes(org, fixedClock(at));
  });
  afterAll(async () => {
    await fakes?.close();
  });

  it("reads the same pain points, competitors and stakeholders from notes, call bodies and email text", async () => {
    const competitors = secondOrgConfig().sales?.competitors ?? [];
    const opts = { now: Date.parse(at), timeZone: "Europe/Berlin", competitors };
    const company = secondOrgProfile.deals.demo.company;
    const id = (await demo.crm.findDeals(company))[0]!.id;
    const viaDemo = prepareMeeting(await demo.crm.getDeal(id), opts);
    const viaHubSpot = prepareMeeting(await fakes.ports.crm.getDeal(id), opts);
    const shape = (p: typeof viaDemo) => ({
      pains: p.painPoints.map((x) => [x.text, x.source.date, x.source.type]),
      competitors: p.competitors.map((x) => [x.name, x.sources.map((s) => s.date)]),
      people: p.stakeholders.map((x) => [x.name, x.title, x.role]),
    });
    expect(viaDemo.painPoints).toHaveLength(3);
    expect(shape(viaHubSpot)).toEqual(shape(viaDemo));
  });
});
