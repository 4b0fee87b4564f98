import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import type { CrmPort } from "../src/core/domain/crm.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createHubSpotPort } from "../tools/crm/hubspot.ts";
import { type PrismServer, specPath, startPrism } from "./support/prism.ts";

/**
 * The real @hubspot/api-client, driven through our connector, against Prism mocks of
 * HubSpot's published specs (vendored in test/specs/hubspot). Prism runs with --errors, so any
 * request the spec does not allow (missing required field, wrong type, no credentials)
 * comes back as an error and fails the test.
 *
 * The SDK talks to one base URL, but the specs are split per API and their shared schema
 * names differ in detail, so each spec gets its own Prism and a small proxy routes by path.
 */
// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are arbitrary JSON.
type Doc = any;

/**
 * Quirks of the published files (test/specs/README.md): error responses are typed
 * `*\/*` (rewritten to application/json) and most `example` values are null, which Prism
 * would serve literally (removed, so Prism generates from the schema).
 */
function fixQuirks(node: Doc): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) fixQuirks(item);
    return;
  }
  if ("example" in node && node.example === null) delete node.example;
  if (node.content?.["*/*"]) {
    node.content["application/json"] = node.content["*/*"];
    delete node.content["*/*"];
  }
  for (const value of Object.values(node)) fixQuirks(value);
}

const stamp = { createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-11-20T00:00:00Z", archived: false };

/** Sets the 200 example of one operation: a realistic single page, so paging ends. */
function example(doc: Doc, path: string, method: string, value: unknown, status = "200"): void {
  const content = doc.paths[path][method].responses[status].content["application/json"];
  content.example = value;
}

const searchPage = (results: unknown[]) => ({ total: results.length, results });
const batchResult = (results: unknown[]) => ({
  status: "COMPLETE",
  results,
  startedAt: "2026-11-23T09:00:00Z",
  completedAt: "2026-11-23T09:00:01Z",
});

const dealObject = {
  id: "101",
  properties: {
    dealname: "Acme Corp - 500 seats",
    dealstage: "presentationscheduled",
    amount: "250000",
    hs_deal_stage_probability: "0.85",
    hubspot_owner_id: "42",
    closedate: "2026-12-15T00:00:00Z",
    // Only the closed-deals search reads this; Prism serves the same deal to every search.
    hs_is_closed_won: "true",
    notes_last_updated: "2026-11-23T07:30:00Z",
    hs_email_subject: "Pricing for 500 users?",
    hs_email_direction: "INCOMING_EMAIL",
    hs_timestamp: "2026-11-23T07:30:00Z",
  },
  ...stamp,
};

const companyObject = {
  id: "201",
  properties: {
    name: "BrightTech Inc",
    lifecyclestage: "customer",
    daybook_arr: "12000",
    daybook_usage_change: "-0.65",
    daybook_usage_window_days: "14",
    subject: "Too complicated",
    createdate: "2026-11-20T10:00:00Z",
  },
  ...stamp,
};

let servers: PrismServer[] = [];
let proxy: Server;
let baseUrl = "";

function route(path: string, targets: Record<string, PrismServer>): PrismServer {
  if (path.startsWith("/crm/v4/")) return targets.associations as PrismServer;
  if (path.startsWith("/crm/v3/owners")) return targets.owners as PrismServer;
  if (path.startsWith("/crm/v3/objects/companies")) return targets.companies as PrismServer;
  if (path.startsWith("/crm/v3/objects/notes")) return targets.notes as PrismServer;
  return targets.objects as PrismServer;
}

beforeAll(async () => {
  const [objects, companies, notes, associations, owners] = await Promise.all([
    startPrism({
      spec: specPath("hubspot/objects.json"),
      patch: (doc) => {
        fixQuirks(doc);
        example(doc, "/crm/v3/objects/{objectType}/search", "post", searchPage([dealObject]));
        example(doc, "/crm/v3/objects/{objectType}/batch/read", "post", batchResult([dealObject]));
        example(doc, "/crm/v3/objects/{objectType}/{objectId}", "get", {
          ...dealObject,
          associations: {
            companies: { results: [{ id: "201", type: "deal_to_company" }] },
            emails: { results: [{ id: "301", type: "deal_to_email" }] },
          },
        });
        example(doc, "/crm/v3/objects/{objectType}/{objectId}", "patch", dealObject);
      },
    }),
    startPrism({
      spec: specPath("hubspot/companies.json"),
      patch: (doc) => {
        fixQuirks(doc);
        example(doc, "/crm/v3/objects/companies/search", "post", searchPage([companyObject]));
        example(doc, "/crm/v3/objects/companies/batch/read", "post", batchResult([companyObject]));
      },
    }),
    startPrism({
      spec: specPath("hubspot/notes.json"),
      patch: (doc) => {
        fixQuirks(doc);
        // No earlier note carries this approval's marker, so the connector creates one.
        example(doc, "/crm/v3/objects/notes/search", "post", searchPage([]));
        example(doc, "/crm/v3/objects/notes", "post", { id: "401", properties: {}, ...stamp }, "201");
      },
    }),
    startPrism({
      spec: specPath("hubspot/associations.json"),
      patch: (doc) => {
        fixQuirks(doc);
        example(
          doc,
          "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read",
          "post",
          batchResult([
            {
              from: { id: "101" },
              to: [{ toObjectId: "201", associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 5 }] }],
            },
            // Prism serves one example for every object pair: deal 101 -> company 201 and
            // company 201 -> ticket 101.
            {
              from: { id: "201" },
              to: [{ toObjectId: "101", associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 339 }] }],
            },
          ]),
        );
      },
    }),
    startPrism({
      spec: specPath("hubspot/crmOwners.json"),
      patch: (doc) => {
        fixQuirks(doc);
        // The SDK requests GET /crm/v3/owners/ (trailing slash), which HubSpot serves like
        // /crm/v3/owners; without an alias Prism reads it as /owners/{ownerId} with no id.
        doc.paths["/crm/v3/owners/"] = doc.paths["/crm/v3/owners"];
        example(doc, "/crm/v3/owners", "get", {
          results: [
            { id: "42", firstName: "Alex", lastName: "Rivera", email: "alex@example.com", type: "PERSON", ...stamp },
          ],
        });
      },
    }),
  ]);
  servers = [objects, companies, notes, associations, owners];
  const targets = { objects, companies, notes, associations, owners };
  proxy = createServer((req, res) => {
    const target = new URL(route(req.url ?? "/", targets).url);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await Promise.all(servers.map((s) => s.close()));
});

function port(): CrmPort {
  return createHubSpotPort(
    { accessToken: "pat-na1-contract", baseUrl },
    // One attempt: a spec violation must surface, not be retried away.
    {
      store: new MemoryStore(),
      clock: fixedClock("2026-11-23T09:00:00Z"),
      logger: silentLogger,
      policy: { maxRetries: 0 },
    },
  );
}

function prismLog(): string {
  return servers.map((s) => s.output().slice(-1500)).join("\n");
}

async function withLog<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw new Error(`${String(error)}\n--- prism ---\n${prismLog()}`);
  }
}

describe("HubSpot connector against HubSpot's published OpenAPI specs", () => {
  it("searches open deals with a request the spec accepts and maps company and owner", async () => {
    const deals = await withLog(port().listOpenDeals({ ownerId: "42" }));

    expect(deals).toEqual([
      expect.objectContaining({
        id: "101",
        name: "Acme Corp - 500 seats",
        amount: 250000,
        probability: 0.85,
        company: { id: "201", name: "BrightTech Inc" },
        ownerName: "Alex Rivera",
      }),
    ]);
  });

  it("searches closed deals since a date with a request the spec accepts", async () => {
    const deals = await withLog(port().listClosedDeals("2026-11-16T00:00:00.000Z"));

    expect(deals).toEqual([
      expect.objectContaining({
        id: "101",
        outcome: "won",
        amount: 250000,
        closeDate: "2026-12-15T00:00:00.000Z",
        company: { id: "201", name: "BrightTech Inc" },
        ownerName: "Alex Rivera",
      }),
    ]);
  });

  it("reads a deal with its associated engagements", async () => {
    const deal = await withLog(port().getDeal("101"));

    expect(deal.company.name).toBe("BrightTech Inc");
    expect(deal.activities).toEqual([
      expect.objectContaining({ id: "101", type: "email", direction: "inbound", summary: "Pricing for 500 users?" }),
    ]);
    expect(deal.lastInboundAt).toBe("2026-11-23T07:30:00.000Z");
  });

  it("lists customers with health properties and associated tickets", async () => {
    const customers = await withLog(port().listCustomers());

    expect(customers[0]).toMatchObject({
      id: "201",
      name: "BrightTech Inc",
      arr: 12000,
      usageChange: -0.65,
      usageWindowDays: 14,
    });
    expect(customers[0]?.tickets).toEqual([expect.objectContaining({ id: "101" })]);
  });

  it("logs a note on a company with the association the spec describes", async () => {
    const result = await withLog(
      port().logActivity(
        { target: { kind: "company", id: "201" }, type: "note", body: "Walked BrightTech through the simpler setup." },
        { idempotencyKey: "approval-contract-1" },
      ),
    );

    expect(result).toEqual({ id: "401" });
  });

  it("updates a deal stage with a PATCH the spec accepts", async () => {
    await expect(
      withLog(port().updateDealStage("101", "contractsent", { idempotencyKey: "approval-contract-2" })),
    ).resolves.toEqual({
      id: "101",
    });
  });

  it("is refused by the spec server without a token, proving requests are validated", async () => {
    const res = await fetch(`${baseUrl}/crm/v3/objects/deals/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ after: "0", filterGroups: [], limit: 1, properties: [], sorts: [] }),
    });
    expect(res.status).toBe(401);
  });
});
