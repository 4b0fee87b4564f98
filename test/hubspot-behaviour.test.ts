import { afterEach, describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createHubSpotPort } from "../tools/crm/hubspot.ts";
import { approvalMarker } from "../tools/crm/normalize-hubspot.ts";
import { caught } from "./support/errors.ts";
import { type FakeHandler, type RecordedRequest, startFakeServer } from "./support/http.ts";

const now = "2026-11-23T09:00:00Z";
const stamp = { createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-11-20T00:00:00Z", archived: false };

function obj(id: string, properties: Record<string, string | null>) {
  return { id, properties, ...stamp };
}

function deal(id: string, name: string, extra: Record<string, string> = {}) {
  return obj(id, {
    dealname: name,
    dealstage: "presentationscheduled",
    amount: "250000",
    hs_deal_stage_probability: "0.85",
    hubspot_owner_id: "owner-alex",
    closedate: "2026-12-15T00:00:00Z",
    ...extra,
  });
}

const batch = (results: unknown[]) => ({
  status: "COMPLETE",
  results,
  startedAt: "2026-11-23T09:00:00Z",
  completedAt: "2026-11-23T09:00:01Z",
});

const owners = {
  results: [{ id: "owner-alex", firstName: "Alex", lastName: "Rivera", email: "alex@example.com", ...stamp }],
};

/** Answers the reads every deal listing makes: associations, company names, owners. */
function supporting(req: RecordedRequest) {
  if (req.path.startsWith("/crm/v4/associations/deals/companies/batch/read")) {
    const inputs = (JSON.parse(req.body) as { inputs: { id: string }[] }).inputs;
    return {
      body: batch(
        inputs.map((i) => ({
          from: { id: i.id },
          to: [{ toObjectId: Number(`9${i.id}`), associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 5 }] }],
        })),
      ),
    };
  }
  if (req.path.startsWith("/crm/v3/objects/companies/batch/read")) {
    const inputs = (JSON.parse(req.body) as { inputs: { id: string }[] }).inputs;
    return { body: batch(inputs.map((i) => obj(i.id, { name: `Company ${i.id}` }))) };
  }
  if (req.path.startsWith("/crm/v3/owners")) return { body: owners };
  return undefined;
}

const sleeps: number[] = [];
let closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
  sleeps.length = 0;
});

async function setup(handler: FakeHandler, policy: Record<string, number> = {}) {
  const fake = await startFakeServer(handler);
  closers.push(() => {
    // The timeout test leaves a request hanging; do not wait for it to drain.
    fake.server.closeAllConnections();
    return fake.close();
  });
  const port = createHubSpotPort(
    { accessToken: "pat-test-token", baseUrl: fake.url },
    {
      store: new MemoryStore(),
      clock: fixedClock(now),
      logger: silentLogger,
      policy: { baseDelayMs: 1, maxDelayMs: 2, ...policy },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
  );
  const searches = () => fake.requests.filter((r) => r.path === "/crm/v3/objects/deals/search");
  return { fake, port, searches };
}

describe("HubSpot connector against a scripted HubSpot", () => {
  it("follows the search `after` cursor across three pages of open deals", async () => {
    const pages: Record<string, { results: unknown[]; next?: string }> = {
      start: { results: [deal("1", "Acme Corp"), deal("2", "TechStart Inc")], next: "2" },
      "2": { results: [deal("3", "Global Industries")], next: "3" },
      "3": { results: [deal("4", "BetaCo")] },
    };
    const { port, searches } = await setup((req) => {
      if (req.path === "/crm/v3/objects/deals/search") {
        const body = JSON.parse(req.body) as { after?: string };
        const page = pages[body.after === "0" ? "start" : (body.after ?? "missing")];
        return {
          body: {
            total: 4,
            results: page?.results ?? [],
            ...(page?.next ? { paging: { next: { after: page.next } } } : {}),
          },
        };
      }
      return supporting(req) ?? { status: 404, body: { status: "error", message: "not found" } };
    });

    const deals = await port.listOpenDeals({ ownerId: "owner-alex" });

    expect(deals.map((d) => d.name)).toEqual(["Acme Corp", "TechStart Inc", "Global Industries", "BetaCo"]);
    expect(searches().map((r) => (JSON.parse(r.body) as { after?: string }).after)).toEqual(["0", "2", "3"]);
    const filters = (JSON.parse(searches()[0]?.body ?? "{}") as { filterGroups: { filters: unknown[] }[] })
      .filterGroups[0]?.filters;
    expect(filters).toEqual([
      { propertyName: "hs_is_closed", operator: "EQ", value: "false" },
      { propertyName: "hubspot_owner_id", operator: "EQ", value: "owner-alex" },
    ]);
    expect(deals[0]).toMatchObject({
      company: { id: "91", name: "Company 91" },
      amount: 250000,
      probability: 0.85,
      ownerName: "Alex Rivera",
      closeDate: "2026-12-15",
    });
  });

  it("pages closed deals since a date, reading won or lost from hs_is_closed_won, newest first", async () => {
    const closed = (id: string, name: string, wonFlag: string, closedate: string, amount: string) =>
      deal(id, name, { dealstage: "closedwon", hs_is_closed: "true", hs_is_closed_won: wonFlag, closedate, amount });
    const pages: Record<string, { results: unknown[]; next?: string }> = {
      start: {
        results: [
          closed("11", "Northwind Traders", "true", "2026-11-19T15:00:00Z", "96000"),
          closed("12", "Silverline Insurance", "false", "2026-11-20T15:00:00Z", "150000"),
        ],
        next: "cursor-2",
      },
      "cursor-2": { results: [closed("13", "Keystone Dental", "true", "2026-11-21T15:00:00Z", "42500")] },
    };
    const { port, searches } = await setup((req) => {
      if (req.path === "/crm/v3/objects/deals/search") {
        const body = JSON.parse(req.body) as { after?: string };
        const page = pages[body.after === "0" ? "start" : (body.after ?? "missing")];
        return {
          body: {
            total: 3,
            results: page?.results ?? [],
            ...(page?.next ? { paging: { next: { after: page.next } } } : {}),
          },
        };
      }
      return supporting(req) ?? { status: 404, body: { status: "error", message: "not found" } };
    });

    const deals = await port.listClosedDeals("2026-11-16T00:00:00.000Z");

    expect(deals.map((d) => [d.name, d.outcome, d.amount, d.closeDate])).toEqual([
      ["Keystone Dental", "won", 42500, "2026-11-21T15:00:00.000Z"],
      ["Silverline Insurance", "lost", 150000, "2026-11-20T15:00:00.000Z"],
      ["Northwind Traders", "won", 96000, "2026-11-19T15:00:00.000Z"],
    ]);
    expect(deals[0]).toMatchObject({ company: { id: "913", name: "Company 913" }, ownerName: "Alex Rivera" });
    expect(searches().map((r) => (JSON.parse(r.body) as { after?: string }).after)).toEqual(["0", "cursor-2"]);
    const request = JSON.parse(searches()[0]?.body ?? "{}") as {
      filterGroups: { filters: unknown[] }[];
      properties: string[];
    };
    expect(request.filterGroups).toEqual([
      {
        filters: [
          { propertyName: "hs_is_closed", operator: "EQ", value: "true" },
          { propertyName: "closedate", operator: "GTE", value: String(Date.parse("2026-11-16T00:00:00Z")) },
        ],
      },
    ]);
    expect(request.properties).toEqual(expect.arrayContaining(["hs_is_closed_won", "closedate", "amount"]));

    await port.listClosedDeals("2026-11-16T00:00:00.000Z");
    expect(searches()).toHaveLength(2);
  });

  it("refuses a closed-deals start that is not a date before calling HubSpot", async () => {
    const { port, fake } = await setup(() => ({ status: 500, body: {} }));

    const error = await caught(port.listClosedDeals("last week"));

    expect(error.code).toBe("bad_request");
    expect(fake.requests).toHaveLength(0);
  });

  it("waits the Retry-After delay on a 429 and then returns the deals", async () => {
    let calls = 0;
    const { port, searches } = await setup((req) => {
      if (req.path === "/crm/v3/objects/deals/search") {
        calls++;
        if (calls === 1) {
          return {
            status: 429,
            headers: { "retry-after": "2" },
            body: { status: "error", message: "You have reached your secondly limit.", category: "RATE_LIMITS" },
          };
        }
        return { body: { total: 1, results: [deal("1", "Acme Corp")] } };
      }
      return supporting(req) ?? { status: 404, body: {} };
    });

    const deals = await port.listOpenDeals();

    expect(deals).toHaveLength(1);
    expect(searches()).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });

  it("gives up after the bounded retries on 5xx with a message a chat user can read", async () => {
    const { port, searches } = await setup(() => ({
      status: 503,
      body: { status: "error", message: "upstream down" },
    }));

    const error = await caught(port.listOpenDeals());

    expect(error.code).toBe("upstream_unavailable");
    expect(error.userMessage).toBe(
      "HubSpot is unavailable right now (HTTP 503 after 4 attempts); please try again later.",
    );
    expect(searches()).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
  });

  it("reports a HubSpot that does not answer as a timeout", async () => {
    const { port } = await setup(
      () => new Promise((resolve) => setTimeout(() => resolve({ body: { results: [] } }), 400)),
      { timeoutMs: 50, maxRetries: 1 },
    );

    const error = await caught(port.listOpenDeals());

    expect(error.code).toBe("timeout");
    expect(error.userMessage).toBe("HubSpot did not answer in time; please try again in a minute.");
  });

  it("names HUBSPOT_ACCESS_TOKEN when HubSpot refuses the token, without retrying", async () => {
    const { port, fake } = await setup(() => ({
      status: 401,
      body: { status: "error", message: "Authentication credentials not found.", category: "INVALID_AUTHENTICATION" },
    }));

    const error = await caught(port.listCustomers());

    expect(error.userMessage).toContain("HUBSPOT_ACCESS_TOKEN");
    expect(error.userMessage).not.toContain("pat-test-token");
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer pat-test-token");
  });

  it("answers a repeated question from the cache and reads again after a write", async () => {
    const { port, searches } = await setup((req) => {
      if (req.path === "/crm/v3/objects/deals/search") return { body: { total: 1, results: [deal("1", "Acme Corp")] } };
      if (req.method === "PATCH" && req.path === "/crm/v3/objects/deals/1") return { body: deal("1", "Acme Corp") };
      // A stage change reads the deal's pipeline first (its stages are the pipeline's own).
      if (req.method === "GET" && req.path.startsWith("/crm/v3/objects/deals/1?"))
        return { body: obj("1", { pipeline: "default" }) };
      return supporting(req) ?? { status: 404, body: {} };
    });

    await port.listOpenDeals();
    await port.listOpenDeals();
    expect(searches()).toHaveLength(1);

    await port.updateDealStage("1", "contractsent", { idempotencyKey: "appr-1" });
    await port.listOpenDeals();
    expect(searches()).toHaveLength(2);
  });

  it("logs a note on a company once even when the first create's response is lost", async () => {
    const created: unknown[] = [];
    const { port, fake } = await setup((req) => {
      if (req.path === "/crm/v3/objects/notes/search") {
        const found = created.length > 0 ? [obj("501", { hs_note_body: "x" })] : [];
        return { body: { total: found.length, results: found } };
      }
      if (req.method === "POST" && req.path === "/crm/v3/objects/notes") {
        created.push(JSON.parse(req.body));
        // The note was written, but the answer never reached daybook.
        return { status: 504, body: { status: "error", message: "gateway timeout" } };
      }
      return { status: 404, body: {} };
    });

    const result = await port.logActivity(
      { target: { kind: "company", id: "77" }, type: "note", body: "Called about renewal <3 users>" },
      { idempotencyKey: "appr-42" },
    );

    expect(result).toEqual({ id: "501" });
    expect(created).toHaveLength(1);
    const input = created[0] as {
      properties: Record<string, string>;
      associations: { to: { id: string }; types: { associationCategory: string; associationTypeId: number }[] }[];
    };
    expect(input.properties.hs_note_body).toContain(approvalMarker("appr-42"));
    expect(input.properties.hs_note_body).toContain("renewal &lt;3 users&gt;");
    expect(input.properties.hs_timestamp).toBe("2026-11-23T09:00:00.000Z");
    expect(input.associations).toEqual([
      { to: { id: "77" }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 190 }] },
    ]);

    const before = fake.requests.length;
    await expect(
      port.logActivity(
        { target: { kind: "company", id: "77" }, type: "note", body: "again" },
        { idempotencyKey: "appr-42" },
      ),
    ).resolves.toEqual({ id: "501" });
    expect(fake.requests.length).toBe(before);
  });

  it("associates a logged call with a deal using HubSpot's call-to-deal type", async () => {
    let body: { associations?: { types: { associationTypeId: number }[] }[]; properties?: Record<string, string> } = {};
    const { port } = await setup((req) => {
      if (req.path === "/crm/v3/objects/calls/search") return { body: { total: 0, results: [] } };
      if (req.method === "POST" && req.path === "/crm/v3/objects/calls") {
        body = JSON.parse(req.body);
        return { status: 201, body: obj("601", {}) };
      }
      return { status: 404, body: {} };
    });

    await expect(
      port.logActivity(
        { target: { kind: "deal", id: "1" }, type: "call", body: "Pricing call\nwent well" },
        { idempotencyKey: "a" },
      ),
    ).resolves.toEqual({ id: "601" });
    expect(body.associations?.[0]?.types[0]?.associationTypeId).toBe(206);
    expect(body.properties?.hs_call_title).toBe("Pricing call");
  });

  it("reads a deal with its engagements and derives reply, meeting and demo times from them", async () => {
    const { port } = await setup((req) => {
      if (req.path.startsWith("/crm/v3/objects/deals/1?")) {
        return {
          body: {
            ...deal("1", "Acme Corp"),
            associations: {
              companies: { results: [{ id: "11", type: "deal_to_company" }] },
              emails: { results: [{ id: "e1", type: "deal_to_email" }] },
              meetings: {
                results: [
                  { id: "m1", type: "deal_to_meeting" },
                  { id: "m2", type: "deal_to_meeting" },
                ],
              },
            },
          },
        };
      }
      if (req.path.startsWith("/crm/v3/objects/emails/batch/read")) {
        return {
          body: batch([
            obj("e1", {
              hs_email_subject: "Pricing for 500 users?",
              hs_email_direction: "INCOMING_EMAIL",
              hs_timestamp: "2026-11-23T07:30:00Z",
            }),
          ]),
        };
      }
      if (req.path.startsWith("/crm/v3/objects/meetings/batch/read")) {
        return {
          body: batch([
            obj("m1", { hs_meeting_title: "Product demo", hs_meeting_start_time: "2026-11-10T14:00:00Z" }),
            obj("m2", { hs_meeting_title: "Negotiation", hs_meeting_start_time: "2026-11-24T14:00:00Z" }),
          ]),
        };
      }
      return supporting(req) ?? { status: 404, body: {} };
    });

    const detail = await port.getDeal("1");

    expect(detail.company).toEqual({ id: "11", name: "Company 11" });
    expect(detail.lastInboundAt).toBe("2026-11-23T07:30:00.000Z");
    expect(detail.nextMeetingAt).toBe("2026-11-24T14:00:00.000Z");
    expect(detail.lastDemoAt).toBe("2026-11-10T14:00:00.000Z");
    expect(detail.activities.map((a) => [a.type, a.direction, a.summary])).toEqual([
      ["meeting", undefined, "Negotiation"],
      ["email", "inbound", "Pricing for 500 users?"],
      ["demo", undefined, "Product demo"],
    ]);
  });

  it("reads customers' health signals from company properties and their tickets through associations", async () => {
    const { port, fake } = await setup((req) => {
      if (req.path === "/crm/v3/objects/companies/search") {
        return {
          body: {
            total: 1,
            results: [
              obj("21", {
                name: "BrightTech Inc",
                daybook_arr: "12000",
                daybook_usage_change: "-65",
                daybook_usage_window_days: "14",
                daybook_admin_last_login: "2026-11-16",
                daybook_unused_paid_features: "SSO;Audit log",
              }),
            ],
          },
        };
      }
      if (req.path.startsWith("/crm/v4/associations/companies/tickets/batch/read")) {
        return { body: batch([{ from: { id: "21" }, to: [{ toObjectId: 31, associationTypes: [] }] }]) };
      }
      if (req.path.startsWith("/crm/v3/objects/tickets/batch/read")) {
        return {
          body: batch([
            obj("31", { subject: "Too complicated", createdate: "2026-11-20T10:00:00Z", closed_date: null }),
          ]),
        };
      }
      return supporting(req) ?? { status: 404, body: {} };
    });

    const [bright] = await port.listCustomers();

    expect(bright).toMatchObject({
      name: "BrightTech Inc",
      arr: 12000,
      usageChange: -0.65,
      usageWindowDays: 14,
      adminLastLoginAt: "2026-11-16T00:00:00.000Z",
      unusedPaidFeatures: ["SSO", "Audit log"],
      tickets: [{ id: "31", subject: "Too complicated", status: "open" }],
    });
    const search = fake.requests.find((r) => r.path === "/crm/v3/objects/companies/search");
    expect(JSON.parse(search?.body ?? "{}").filterGroups).toEqual([
      { filters: [{ propertyName: "lifecyclestage", operator: "EQ", value: "customer" }] },
    ]);
  });
});
