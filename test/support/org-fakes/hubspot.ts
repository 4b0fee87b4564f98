/**
 * A local HubSpot serving a generated organisation's CRM in HubSpot's CRM v3/v4 wire shapes,
 * for the real connector (tools/crm/hubspot.ts over @hubspot/api-client): object search with
 * filters and the `after` cursor, batch reads, v4 association batch reads, record reads with
 * associations, owners and the deal pipeline. Every property is a string, as HubSpot sends it;
 * dates are ISO date-times; deal stages are the pipeline's internal stage ids (labels live in
 * the pipeline), churn signals are the `daybook_*` company properties. Deals carry
 * deal_currency_code; company ARR has no currency property, as in HubSpot.
 *
 * It refuses what HubSpot refuses: a missing or wrong bearer token (401), a search page above
 * 200 or a batch above 100 inputs (400), more than 5 filter groups or 6 filters in one (400).
 */
import type { Clock } from "../../../src/core/clock.ts";
import type { CrmActivity, CustomerDetail, DealDetail } from "../../../src/core/domain/crm.ts";
import type { DemoOrg } from "../../../tools/demo/generate.ts";
import type { RecordedRequest } from "../http.ts";
import { jsonBody, matcher, type OrgFake, pageOf, Refusal, startOrgFake, urlOf } from "./common.ts";

export const HUBSPOT_FAKE_TOKEN = "pat-eu1-fake-token";
/** The custom company property the fake portal keeps a health score in. */
export const HUBSPOT_FAKE_HEALTH_PROPERTY = "daybook_health_score";

type Props = Record<string, string | null>;
interface HubObject {
  id: string;
  properties: Props;
  /** Associated ids per object type, in HubSpot's plural type names. */
  associations: Record<string, string[]>;
}

const stamp = { createdAt: "2025-01-06T09:00:00.000Z", updatedAt: "2026-01-06T09:00:00.000Z", archived: false };

/** A custom pipeline: HubSpot stores a stage's internal id on the deal; the label is the pipeline's. */
const stageLabels = [
  "Qualification",
  "Discovery",
  "Demo Scheduled",
  "Demo Completed",
  "Proposal Sent",
  "Negotiation",
  "Closed Won",
  "Closed Lost",
];
export const stageIdOf = (label: string): string => String(1_180_000 + Math.max(0, stageLabels.indexOf(label)));

/** A second pipeline whose labels repeat the sales pipeline's under other ids, as portals' renewal pipelines do. */
const renewalLabels = ["Renewal Due", "Negotiation", "Closed Won", "Closed Lost"];
export const renewalStageIdOf = (label: string): string => `renewal-${renewalLabels.indexOf(label)}`;
const pipelineStageIds: Record<string, Set<string>> = {
  default: new Set(stageLabels.map(stageIdOf)),
  renewals: new Set(renewalLabels.map(renewalStageIdOf)),
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const iso = (value: string | undefined) => (value === undefined ? null : new Date(Date.parse(value)).toISOString());

interface Owner {
  id: string;
  name: string;
}

/** HubSpot's numeric record ids; the generator's ids ("T-9812", "a-10013") keep their digits. */
const numericId = (id: string) => id.replace(/\D/g, "") || "0";

function engagement(
  activity: CrmActivity,
  ownerIdOf: (name: string | undefined) => string | null,
): { kind: string; properties: Props } {
  const at = iso(activity.at);
  const owner = ownerIdOf(activity.author);
  switch (activity.type) {
    case "email":
      return {
        kind: "emails",
        properties: {
          hs_email_subject: activity.summary,
          hs_email_text: activity.body ?? null,
          hs_email_direction: activity.direction === "inbound" ? "INCOMING_EMAIL" : "EMAIL",
          hs_timestamp: at,
          hubspot_owner_id: owner,
        },
      };
    case "call":
      return {
        kind: "calls",
        properties: {
          hs_call_title: activity.summary,
          hs_call_body: `<p>${escapeHtml(activity.body ?? activity.summary)}</p>`,
          hs_call_direction: activity.direction ? activity.direction.toUpperCase() : null,
          hs_timestamp: at,
          hubspot_owner_id: owner,
        },
      };
    case "meeting":
    case "demo":
      return {
        kind: "meetings",
        properties: {
          hs_meeting_title: activity.summary,
          hs_meeting_start_time: at,
          hs_timestamp: at,
          hubspot_owner_id: owner,
        },
      };
    default:
      return {
        kind: "notes",
        properties: {
          hs_note_body: `<p>${escapeHtml(activity.body ?? activity.summary)}</p>`,
          hs_timestamp: at,
          hubspot_owner_id: owner,
        },
      };
  }
}

/** The generated CRM as HubSpot objects by type. */
function toObjects(org: DemoOrg): { objects: Map<string, Map<string, HubObject>>; owners: Owner[] } {
  const profile = org.profile;
  const owners: Owner[] = [
    { id: profile.lead.ownerId, name: profile.lead.ownerName },
    { id: profile.second.ownerId, name: profile.second.ownerName },
  ];
  const ownerIdOf = (name: string | undefined): string | null => {
    if (!name) return null;
    let owner = owners.find((o) => o.name === name);
    if (!owner) {
      owner = { id: String(Number(profile.lead.ownerId.replace(/\D/g, "") || 700) + 100 + owners.length), name };
      owners.push(owner);
    }
    return owner.id;
  };
  const objects = new Map<string, Map<string, HubObject>>(
    ["deals", "companies", "contacts", "tickets", "notes", "calls", "emails", "meetings"].map((t) => [t, new Map()]),
  );
  const put = (type: string, object: HubObject) => objects.get(type)?.set(object.id, object);
  const activitiesOf = (list: CrmActivity[]) => {
    const ids: Record<string, string[]> = {};
    for (const a of list) {
      const e = engagement(a, ownerIdOf);
      put(e.kind, { id: a.id, properties: e.properties, associations: {} });
      ids[e.kind] = [...(ids[e.kind] ?? []), a.id];
    }
    return ids;
  };

  for (const c of org.crm.customers as CustomerDetail[]) {
    const tickets = c.tickets.map((t) => {
      const id = numericId(t.id);
      put("tickets", {
        id,
        properties: {
          subject: t.subject,
          createdate: iso(t.createdAt),
          closed_date: t.status === "closed" ? iso(t.createdAt) : null,
          hs_pipeline_stage: t.status === "closed" ? "4" : "1",
        },
        associations: {},
      });
      return id;
    });
    const contacts = c.contacts.map((p) => {
      const [first, ...rest] = p.name.split(" ");
      put("contacts", {
        id: p.id,
        properties: {
          firstname: first ?? null,
          lastname: rest.join(" ") || null,
          email: p.email ?? null,
          jobtitle: p.title ?? null,
        },
        associations: {},
      });
      return p.id;
    });
    put("companies", {
      id: c.id,
      properties: {
        name: c.name,
        domain: null,
        lifecyclestage: "customer",
        hubspot_owner_id: ownerIdOf(c.ownerName),
        daybook_arr: String(c.arr),
        daybook_plan: c.plan ?? null,
        daybook_usage_change: String(c.usageChange),
        daybook_usage_window_days: String(c.usageWindowDays),
        daybook_admin_last_login: iso(c.adminLastLoginAt),
        daybook_last_failed_payment: iso(c.lastFailedPaymentAt),
        daybook_unused_paid_features: c.unusedPaidFeatures.length > 0 ? c.unusedPaidFeatures.join(";") : null,
        daybook_renewal_date: c.renewalDate ?? null,
        daybook_contract_start: c.contractStartDate ?? null,
        daybook_term_months: c.termMonths === undefined ? null : String(c.termMonths),
      },
      associations: { tickets, contacts, ...activitiesOf(c.activities) },
    });
  }
  for (const d of org.crm.deals as DealDetail[]) {
    if (!objects.get("companies")?.has(d.company.id)) {
      put("companies", {
        id: d.company.id,
        properties: { name: d.company.name, domain: null, lifecyclestage: "opportunity", hubspot_owner_id: null },
        associations: {},
      });
    }
    const closed = /^closed/i.test(d.stage);
    put("deals", {
      id: d.id,
      properties: {
        dealname: d.name,
        pipeline: "default",
        dealstage: stageIdOf(d.stage),
        amount: String(d.amount),
        deal_currency_code: d.currency,
        hs_deal_stage_probability: String(d.probability),
        closedate: d.closeDate ? iso(d.closeDate) : null,
        hubspot_owner_id: d.ownerId || null,
        notes_last_updated: iso(d.lastActivityAt),
        notes_next_activity_date: iso(d.nextMeetingAt),
        hs_lastmodifieddate: iso(d.lastActivityAt) ?? stamp.updatedAt,
        daybook_last_inbound_at: iso(d.lastInboundAt),
        daybook_last_demo_at: iso(d.lastDemoAt),
        hs_is_closed: String(closed),
        hs_is_closed_won: String(/^closed\s*won/i.test(d.stage)),
      },
      associations: { companies: [d.company.id], ...activitiesOf(d.activities) },
    });
  }
  return { objects, owners };
}

interface SearchBody {
  filterGroups?: { filters?: { propertyName: string; operator: string; value?: string }[] }[];
  properties?: string[];
  query?: string;
  limit?: number;
  after?: string;
  sorts?: unknown[];
}

function matches(object: HubObject, filter: { propertyName: string; operator: string; value?: string }): boolean {
  const actual = object.properties[filter.propertyName] ?? null;
  const value = filter.value ?? "";
  switch (filter.operator) {
    case "EQ":
      return actual !== null && actual.toLowerCase() === value.toLowerCase();
    case "NEQ":
      return actual === null || actual.toLowerCase() !== value.toLowerCase();
    case "GTE":
    case "LTE": {
      // Date-time properties compare as epoch milliseconds.
      const a = /^\d+$/.test(actual ?? "") ? Number(actual) : Date.parse(actual ?? "");
      const v = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (Number.isNaN(a) || Number.isNaN(v)) return false;
      return filter.operator === "GTE" ? a >= v : a <= v;
    }
    case "CONTAINS_TOKEN":
      return (actual ?? "").toLowerCase().includes(value.toLowerCase());
    case "HAS_PROPERTY":
      return actual !== null && actual !== "";
    default:
      throw new Refusal(400, {
        status: "error",
        category: "VALIDATION_ERROR",
        message: `operator ${filter.operator} not served`,
      });
  }
}

function pick(object: HubObject, properties: readonly string[]) {
  const wanted = properties.length > 0 ? properties : Object.keys(object.properties);
  return {
    id: object.id,
    properties: Object.fromEntries(wanted.map((p) => [p, object.properties[p] ?? null])),
    ...stamp,
  };
}

const listParam = (q: URLSearchParams, name: string) =>
  q
    .getAll(name)
    .flatMap((v) => v.split(","))
    .filter(Boolean);

export interface HubSpotFakeOptions {
  org: DemoOrg;
  clock: Clock;
}

export async function startHubSpotFake(options: HubSpotFakeOptions): Promise<OrgFake> {
  const { objects, owners } = toObjects(options.org);
  const typeOf = (type: string) => {
    const map = objects.get(type);
    if (!map) throw new Refusal(400, { status: "error", message: `Unable to infer object type from: ${type}` });
    return map;
  };
  const validation = (message: string) => new Refusal(400, { status: "error", category: "VALIDATION_ERROR", message });
  const batch = (results: unknown[]) => ({
    status: "COMPLETE",
    results,
    startedAt: "2026-01-06T09:00:00.000Z",
    completedAt: "2026-01-06T09:00:01.000Z",
  });

  for (const type of ["notes", "calls", "tasks"]) if (!objects.has(type)) objects.set(type, new Map());
  let created = 0;
  /**
   * POST /crm/v3/objects/{type} (engagements, tasks, deals): HubSpot requires each association's
   * target to exist, a deal's stage to be a stage of its pipeline, and a task's due time.
   */
  const create = (type: string, req: RecordedRequest) => {
    const map = typeOf(type);
    const body = jsonBody<{ properties?: Props; associations?: { to: { id: string }; types: unknown[] }[] }>(req);
    const properties = body.properties ?? {};
    if (type === "tasks" && !properties.hs_timestamp) throw validation("hs_timestamp is required for tasks");
    if (type === "deals") {
      const stages = pipelineStageIds[properties.pipeline ?? "default"] ?? new Set<string>();
      if (!stages.has(properties.dealstage ?? ""))
        throw validation(`${properties.dealstage} is not a valid pipeline stage id`);
    }
    const companies = typeOf("companies");
    const targets = (body.associations ?? []).map((a) => a.to.id);
    for (const id of targets) {
      if (!companies.has(id)) throw validation(`association target ${id} does not exist`);
    }
    const id = String(880_000 + ++created);
    map.set(id, { id, properties: { ...properties }, associations: { companies: targets } });
    for (const target of targets) {
      const company = companies.get(target) as HubObject;
      company.associations[type] = [...(company.associations[type] ?? []), id];
    }
    return { status: 201, body: pick(map.get(id) as HubObject, Object.keys(properties)) };
  };

  const search = (type: string, req: RecordedRequest) => {
    const body = jsonBody<SearchBody>(req);
    const limit = body.limit ?? 10;
    if (limit > 200) throw validation("limit must be at most 200");
    const groups = body.filterGroups ?? [];
    if (groups.length > 5) throw validation("at most 5 filterGroups");
    if (groups.some((g) => (g.filters ?? []).length > 6)) throw validation("at most 6 filters in a filterGroup");
    const after = body.after === undefined || body.after === "" ? 0 : Number(body.after);
    if (!Number.isInteger(after) || after < 0) throw validation("after must be a number");
    // https://developers.hubspot.com/docs/api/crm/search#limitations: no paging past 10,000 results.
    if (after + limit > 10_000) throw validation("search results are limited to 10,000 per query");
    const words = (body.query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    const all = [...typeOf(type).values()].filter(
      (o) =>
        (groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => matches(o, f)))) &&
        (words.length === 0 ||
          words.every((w) =>
            [o.properties.dealname, o.properties.name, o.properties.subject].some((v) => v?.toLowerCase().includes(w)),
          )),
    );
    const page = pageOf(all, after, limit);
    return {
      body: {
        total: all.length,
        results: page.items.map((o) => pick(o, body.properties ?? [])),
        ...(page.next !== undefined ? { paging: { next: { after: String(page.next) } } } : {}),
      },
    };
  };

  return startOrgFake((req) => {
    if (req.headers.authorization !== `Bearer ${HUBSPOT_FAKE_TOKEN}`) {
      throw new Refusal(401, {
        status: "error",
        message: "Authentication credentials not found.",
        category: "INVALID_AUTHENTICATION",
      });
    }
    const url = urlOf(req);
    const path = url.pathname.replace(/\/+$/, "");
    const m = matcher(path);
    const q = url.searchParams;
    if (req.method === "POST" && m.on(/^\/crm\/v3\/objects\/([a-z]+)\/search$/)) return search(m.group(1), req);
    if (req.method === "POST" && m.on(/^\/crm\/v3\/objects\/([a-z]+)\/batch\/read$/)) {
      const body = jsonBody<{ inputs?: { id: string }[]; properties?: string[] }>(req);
      const inputs = body.inputs ?? [];
      if (inputs.length > 100) throw validation("at most 100 inputs in a batch");
      const map = typeOf(m.group(1));
      return {
        body: batch(
          inputs.flatMap((i) => (map.has(i.id) ? [pick(map.get(i.id) as HubObject, body.properties ?? [])] : [])),
        ),
      };
    }
    if (req.method === "POST" && m.on(/^\/crm\/v4\/associations\/([a-z]+)\/([a-z]+)\/batch\/read$/)) {
      const body = jsonBody<{ inputs?: { id: string }[] }>(req);
      const inputs = body.inputs ?? [];
      if (inputs.length > 1000) throw validation("at most 1000 inputs in a batch");
      const from = typeOf(m.group(1));
      const to = m.group(2);
      return {
        body: batch(
          inputs.flatMap((i) => {
            const ids = from.get(i.id)?.associations[to] ?? [];
            if (ids.length === 0) return [];
            return [
              {
                from: { id: i.id },
                to: ids.map((id) => ({
                  toObjectId: Number(id),
                  associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 5, label: null }],
                })),
              },
            ];
          }),
        ),
      };
    }
    if (req.method === "GET" && m.on(/^\/crm\/v3\/objects\/([a-z]+)\/([^/]+)$/)) {
      const object = typeOf(m.group(1)).get(decodeURIComponent(m.group(2)));
      if (!object)
        throw new Refusal(404, { status: "error", message: "Object not found", category: "OBJECT_NOT_FOUND" });
      const associations = Object.fromEntries(
        listParam(q, "associations").flatMap((type) => {
          const ids = object.associations[type] ?? [];
          return ids.length === 0
            ? []
            : [[type, { results: ids.map((id) => ({ id, type: `${m.group(1)}_to_${type}` })) }]];
        }),
      );
      return {
        body: {
          ...pick(object, listParam(q, "properties")),
          ...(Object.keys(associations).length > 0 ? { associations } : {}),
        },
      };
    }
    if (req.method === "POST" && m.on(/^\/crm\/v3\/objects\/([a-z]+)$/)) return create(m.group(1), req);
    if (req.method === "PATCH" && m.on(/^\/crm\/v3\/objects\/companies\/([^/]+)$/)) {
      const company = typeOf("companies").get(m.group(1));
      if (!company) {
        throw new Refusal(404, { status: "error", message: "Object not found", category: "OBJECT_NOT_FOUND" });
      }
      Object.assign(company.properties, jsonBody<{ properties?: Props }>(req).properties ?? {});
      return { body: pick(company, Object.keys(company.properties)) };
    }
    if (req.method === "PATCH" && m.on(/^\/crm\/v3\/objects\/deals\/([^/]+)$/)) {
      const deal = typeOf("deals").get(m.group(1));
      if (!deal) throw new Refusal(404, { status: "error", message: "Object not found", category: "OBJECT_NOT_FOUND" });
      const update = jsonBody<{ properties?: Props }>(req).properties ?? {};
      // HubSpot takes only a stage of the deal's own pipeline.
      const stages = pipelineStageIds[update.pipeline ?? deal.properties.pipeline ?? "default"] ?? new Set<string>();
      if (update.dealstage !== undefined && !stages.has(update.dealstage ?? "")) {
        throw validation(`${update.dealstage} is not a valid pipeline stage id`);
      }
      Object.assign(deal.properties, update);
      return { body: pick(deal, Object.keys(deal.properties)) };
    }
    if (req.method === "GET" && path === "/crm/v3/owners") {
      const limit = Number(q.get("limit") ?? 100);
      if (limit > 500) throw validation("limit must be at most 500");
      const page = pageOf(owners, Number(q.get("after") ?? 0), limit);
      return {
        body: {
          results: page.items.map((o) => {
            const [firstName, ...rest] = o.name.split(" ");
            return {
              id: o.id,
              email: `${o.name.toLowerCase().replace(/\s+/g, ".")}@kestrel.example`,
              firstName,
              lastName: rest.join(" "),
              userId: Number(o.id),
              ...stamp,
            };
          }),
          ...(page.next !== undefined ? { paging: { next: { after: String(page.next) } } } : {}),
        },
      };
    }
    if (req.method === "GET" && path === "/crm/v3/pipelines/deals") {
      return {
        body: {
          results: [
            {
              id: "default",
              label: "Sales Pipeline",
              displayOrder: 0,
              stages: stageLabels.map((label, n) => ({
                id: stageIdOf(label),
                label,
                displayOrder: n,
                metadata: {
                  isClosed: String(/^closed/i.test(label)),
                  probability: label === "Closed Won" ? "1.0" : "0.5",
                },
                ...stamp,
              })),
              ...stamp,
            },
            {
              id: "renewals",
              label: "Renewals",
              displayOrder: 1,
              stages: renewalLabels.map((label, n) => ({
                id: renewalStageIdOf(label),
                label,
                displayOrder: n,
                metadata: { isClosed: String(/^closed/i.test(label)), probability: "0.5" },
                ...stamp,
              })),
              ...stamp,
            },
          ],
        },
      };
    }
    throw new Refusal(404, { status: "error", message: `not served by the fake: ${req.method} ${path}` });
  });
}
