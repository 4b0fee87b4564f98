/**
 * Issue 16's figures through the real connectors (Jira Cloud over jira.js, HubSpot over its
 * client) against the second organisation's local fakes: the renewal terms, the closed sprints
 * and the velocity they yield are the ones the demo ports give for the same organisation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import { upcomingRenewals } from "../tools/crm/renewals.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { loadRetro } from "../tools/jira/rhythm-tools.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { type OrgFakes, startOrgFakes } from "./support/org-fakes/index.ts";

const at = "2026-11-23T09:00:00Z";
const now = Date.parse(at);
const org = generateDemoOrg({ now, profile: secondOrgProfile });
const demo = createDemoPorts({ clock: fixedClock(at), org });
let fakes: OrgFakes;

beforeAll(async () => {
  fakes = await startOrgFakes(org, fixedClock(at));
});
afterAll(async () => {
  await fakes.close();
});

describe("issue 16 through the second organisation's connectors", () => {
  it("reads the same renewals from HubSpot's company properties as the demo holds", async () => {
    const viaHubSpot = upcomingRenewals(await fakes.ports.crm.listCustomers(), now, "Europe/Berlin");
    const viaDemo = upcomingRenewals(await demo.crm.listCustomers(), now, "Europe/Berlin");
    expect(viaHubSpot.length).toBeGreaterThan(10);
    expect(viaHubSpot.map((r) => [r.customer.id, r.renewalDate, r.daysLeft, r.source])).toEqual(
      viaDemo.map((r) => [r.customer.id, r.renewalDate, r.daysLeft, r.source]),
    );
  });

  it("lists the board's last closed sprints oldest first and gets the same velocity from Jira Cloud", async () => {
    const sprints = await fakes.ports.jira.listClosedSprints(3);
    expect(sprints.map((s) => s.name)).toEqual(org.jira.closedSprints.slice(-3).map((s) => s.name));
    const viaJira = await loadRetro(fakes.ports.jira, now);
    const viaDemo = await loadRetro(demo.jira, now);
    expect(viaJira?.velocity.map((v) => [v.sprint.name, v.points, v.issues])).toEqual(
      viaDemo?.velocity.map((v) => [v.sprint.name, v.points, v.issues]),
    );
    expect(viaJira?.carryOverPoints).toBe(viaDemo?.carryOverPoints);
  });
});
