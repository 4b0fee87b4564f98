import { createHash } from "node:crypto";
import { Client } from "@hubspot/api-client";
import {
  AssociationSpecAssociationCategoryEnum,
  type Filter,
  FilterOperatorEnum,
} from "@hubspot/api-client/lib/codegen/crm/objects/index.js";
import type { Clock } from "../../src/core/clock.ts";
import type { Listing } from "../../src/core/domain/common.ts";
import type {
  ClosedDeal,
  CrmActivity,
  CrmPort,
  Customer,
  CustomerDetail,
  Deal,
  DealDetail,
  NewCrmActivity,
  NewCrmDeal,
  NewCrmTask,
} from "../../src/core/domain/crm.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { UpstreamObserver } from "../../src/core/metrics.ts";
import type { Store } from "../../src/core/store.ts";
import { fromCached, relist, toCached } from "../shared/listing.ts";
import {
  bothLimiters,
  type CallLimiter,
  hubspotLimits,
  hubspotSearchLimits,
  sharedLimiter,
} from "../shared/rate-limit.ts";
import { ReadCache } from "../shared/read-cache.ts";
import { type RetryPolicy, resilientCall } from "../shared/resilience.ts";
import { type PipelineStage, resolveDealStage } from "./deal-stages.ts";
import { hubspotSearch, searchMaxResults } from "./hubspot-search.ts";
import {
  activityProperties,
  approvalMarker,
  type CompanyHealthProperties,
  closedDealProperties,
  companyProperties,
  contactProperties,
  currencyCode,
  dealProperties,
  defaultCompanyHealthProperties,
  type HubSpotObject,
  hubspotLinks,
  ownerName,
  sortActivities,
  ticketProperties,
  toActivity,
  toClosedDeal,
  toContact,
  toCustomer,
  toDeal,
  toTicket,
  withActivitySignals,
} from "./normalize-hubspot.ts";

export interface HubSpotSettings {
  /** Private-app access token (HUBSPOT_ACCESS_TOKEN). */
  accessToken: string;
  /** API origin, default https://api.hubapi.com (HUBSPOT_BASE_URL; tests point it at a local server). */
  baseUrl?: string;
  /** Company custom properties holding churn signals; defaults in normalize-hubspot.ts. */
  usageProperties?: Partial<CompanyHealthProperties>;
  /** Portal (hub) id, only used to build record links. */
  portalId?: string;
  /** Company lifecycle stage that makes a company a "customer" (default "customer"). */
  customerLifecycleStage?: string;
  /**
   * The portal's company currency, ISO 4217 (default USD): what company ARR is in, and deals
   * without deal_currency_code. Configured rather than read, because the account-info API
   * (/settings/v3) needs its own scope and is not among the endpoints this connector calls.
   */
  currency?: string;
  /**
   * The account's burst limit per 10 s: 100 on Free/Starter (default), 190 on Professional and
   * Enterprise (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details).
   */
  requestsPer10s?: number;
  /**
   * A company property that keeps a health score 0-100 (HubSpot has no standard one), so a
   * change set can set it; without it daybook writes no health score.
   */
  healthScoreProperty?: string;
}

export interface HubSpotDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Counts calls, retries and 429s by system (docs/metrics.md). */
  upstream?: UpstreamObserver;
  policy?: Partial<RetryPolicy>;
  cacheTtlMs?: number;
  /** Injected in tests to record backoff delays instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Default: the process-wide limiters of this account (hubspotLimits, hubspotSearchLimits). */
  limiters?: { all: CallLimiter; search: CallLimiter };
  /** Tests lower the search safety cap to see it reached. */
  maxSearchResults?: number;
}

/**
 * HUBSPOT_DEFINED association type ids for engagements
 * (https://developers.hubspot.com/docs/api/crm/associations/association-details#association-type-id-values).
 */
const associationTypeIds = {
  note: { company: 190, deal: 214 },
  call: { company: 182, deal: 206 },
} as const;
/** task_to_company and deal_to_company, HUBSPOT_DEFINED. */
const taskToCompany = 192;
const dealToCompany = 5;

const engagementTypes = ["notes", "calls", "emails", "meetings"] as const;
type EngagementType = (typeof engagementTypes)[number];

/** Batch read and association batch endpoints take up to 100 inputs per call here. */
const batchSize = 100;
/** Owners list pages of 100 (the spec's default; it publishes no larger maximum). */
const ownersPageSize = 100;
/** Safety stop for the owners list: 100 pages x 100 owners. */
const maxOwnerPages = 100;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function asObject(raw: { id: string; properties: Record<string, string | null> }): HubSpotObject {
  return { id: raw.id, properties: raw.properties ?? {} };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The configured portal currency, checked at start-up so a typo fails there and not in a digest. */
function portalCurrency(configured: string | undefined): string {
  if (configured === undefined) return "USD";
  const code = currencyCode(configured);
  if (!code || !Intl.supportedValuesOf("currency").includes(code)) {
    throw new DaybookError("config_invalid", `HubSpot currency "${configured}" is not an ISO 4217 code`, {
      userMessage: `The HubSpot currency "${configured}" is not a currency code: use one like EUR or USD.`,
    });
  }
  return code;
}

/** A CrmPort over HubSpot CRM v3 through @hubspot/api-client. */
export function createHubSpotPort(settings: HubSpotSettings, deps: HubSpotDeps): CrmPort {
  if (!settings.accessToken) {
    throw new DaybookError("config_invalid", "HubSpot connector needs HUBSPOT_ACCESS_TOKEN", {
      userMessage: "HubSpot is not configured: set HUBSPOT_ACCESS_TOKEN.",
    });
  }
  const client = new Client({
    accessToken: settings.accessToken,
    ...(settings.baseUrl ? { basePath: settings.baseUrl.replace(/\/+$/, "") } : {}),
    // resilientCall is the single retry policy; the SDK's own retry decorator stays off.
    numberOfApiCallRetries: 0,
  });
  const health: CompanyHealthProperties = { ...defaultCompanyHealthProperties, ...settings.usageProperties };
  const links = hubspotLinks(settings.portalId);
  const lifecycle = settings.customerLifecycleStage ?? "customer";
  const currency = portalCurrency(settings.currency);
  const healthProperty = settings.healthScoreProperty?.trim() || undefined;
  const cache = new ReadCache(deps.store, {
    system: "hubspot",
    ...(deps.cacheTtlMs !== undefined ? { ttlMs: deps.cacheTtlMs } : {}),
  });
  const logger = deps.logger.child({ connector: "hubspot" });
  // A private-app token belongs to one account, so it names the account's budget (hashed: never a key in memory dumps).
  const account = `hubspot:${settings.baseUrl ?? "https://api.hubapi.com"}:${createHash("sha256").update(settings.accessToken).digest("hex").slice(0, 16)}`;
  const allLimiter = deps.limiters?.all ?? sharedLimiter(account, hubspotLimits(settings.requestsPer10s));
  const searchLimiter = bothLimiters(
    deps.limiters?.search ?? sharedLimiter(`${account}:search`, hubspotSearchLimits),
    allLimiter,
  );

  const call = <T>(operation: string, op: () => Promise<T>, limiter: CallLimiter = allLimiter): Promise<T> =>
    resilientCall(operation, () => op(), {
      system: "HubSpot",
      credentialHint: "HUBSPOT_ACCESS_TOKEN",
      logger,
      now: deps.clock.now,
      limiter,
      ...(deps.upstream ? { upstream: deps.upstream } : {}),
      ...(deps.policy ? { policy: deps.policy } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });

  const searchAll = hubspotSearch({
    client,
    call: (operation, op) => call(operation, op, searchLimiter),
    maxResults: deps.maxSearchResults ?? searchMaxResults,
    logger,
  });

  async function batchRead(objectType: string, ids: string[], properties: string[]): Promise<HubSpotObject[]> {
    const unique = [...new Set(ids)];
    const out: HubSpotObject[] = [];
    for (const part of chunks(unique, batchSize)) {
      const res = await call(`read ${objectType}`, () =>
        client.crm.objects.batchApi.read(objectType, {
          inputs: part.map((id) => ({ id })),
          properties,
          propertiesWithHistory: [],
        }),
      );
      out.push(...res.results.map(asObject));
    }
    return out;
  }

  /** fromId -> associated ids, through the associations v4 batch API. */
  async function associated(fromType: string, toType: string, fromIds: string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    for (const part of chunks([...new Set(fromIds)], batchSize)) {
      const res = await call(`read ${fromType} to ${toType} associations`, () =>
        client.crm.associations.v4.batchApi.getPage(fromType, toType, { inputs: part.map((id) => ({ id })) }),
      );
      for (const r of res.results) {
        map.set(
          r._from.id,
          r.to.map((t) => String(t.toObjectId)),
        );
      }
    }
    return map;
  }

  async function owners(): Promise<Map<string, string>> {
    const list = await cache.get("owners", async () => {
      const out: [string, string][] = [];
      let after: string | undefined;
      for (let page = 0; page < maxOwnerPages; page++) {
        const res = await call("list owners", () =>
          client.crm.owners.ownersApi.getPage(undefined, after, ownersPageSize, false),
        );
        for (const o of res.results) {
          const name = ownerName(o);
          if (name) out.push([String(o.id), name]);
        }
        after = res.paging?.next?.after;
        if (!after) break;
      }
      return out;
    });
    return new Map(list);
  }

  /**
   * Deal stage id -> label over every deal pipeline. A deal's `dealstage` is the stage's
   * internal id ("presentationscheduled", or a number in a custom pipeline); people know the
   * label. Without the pipelines (a missing scope) stages stay ids, everything else works.
   */
  async function pipelineStages(): Promise<PipelineStage[]> {
    return cache.get("pipelines:deals:stages", async () => {
      try {
        const res = await call("list deal pipelines", () => client.crm.pipelines.pipelinesApi.getAll("deals"));
        return res.results.flatMap((p) =>
          p.stages.map((st) => ({ pipelineId: p.id, pipeline: p.label, id: st.id, label: st.label })),
        );
      } catch (error) {
        logger.warn("hubspot deal pipelines unavailable; showing stage ids", { code: (error as DaybookError).code });
        return [];
      }
    });
  }

  async function stageLabels(): Promise<Map<string, string>> {
    return new Map((await pipelineStages()).map((st) => [st.id, st.label]));
  }

  const labelled = <T extends Deal>(deal: T, labels: ReadonlyMap<string, string>): T => {
    const label = labels.get(deal.stage);
    return label ? { ...deal, stage: label } : deal;
  };

  async function dealsWithCompanies<T extends Deal>(
    raw: Listing<HubSpotObject>,
    normalize: (d: HubSpotObject, context: Parameters<typeof toDeal>[1]) => T | undefined,
  ): Promise<Listing<T>> {
    if (raw.length === 0) return [];
    const [companyOf, ownerNames, stages] = await Promise.all([
      associated(
        "deals",
        "companies",
        raw.map((d) => d.id),
      ),
      owners(),
      stageLabels(),
    ]);
    const companyIds = [...companyOf.values()].map((ids) => ids[0]).filter((id): id is string => id !== undefined);
    const companies = await batchRead("companies", companyIds, ["name"]);
    const companyName = new Map(companies.map((c) => [c.id, c.properties.name ?? `Company ${c.id}`]));
    return relist(
      raw,
      raw.flatMap((d) => {
        const companyId = companyOf.get(d.id)?.[0];
        const owner = d.properties.hubspot_owner_id ?? undefined;
        const ownerLabel = owner ? ownerNames.get(owner) : undefined;
        const deal = normalize(d, {
          links,
          currency,
          ...(companyId
            ? { company: { id: companyId, name: companyName.get(companyId) ?? `Company ${companyId}` } }
            : {}),
          ...(ownerLabel ? { ownerName: ownerLabel } : {}),
        });
        return deal ? [labelled(deal, stages)] : [];
      }),
    );
  }

  async function closedDeals(since: string): Promise<Listing<ClosedDeal>> {
    const from = Date.parse(since);
    if (Number.isNaN(from)) {
      throw new DaybookError("bad_request", "listClosedDeals: since is not an ISO date", {
        userMessage: "That start date is not a date I can read (use e.g. 2026-11-16).",
      });
    }
    const cached = await cache.get(`deals:closed:${from}`, async () => {
      // Date filters take epoch milliseconds
      // (https://developers.hubspot.com/docs/api/crm/search#filter-search-results); hs_is_closed
      // and hs_is_closed_won are computed from the pipeline, so custom pipelines work too.
      const raw = await searchAll("search closed deals", "deals", {
        filterGroups: [
          {
            filters: [
              { propertyName: "hs_is_closed", operator: FilterOperatorEnum.Eq, value: "true" },
              { propertyName: "closedate", operator: FilterOperatorEnum.Gte, value: String(from) },
            ],
          },
        ],
        properties: [...closedDealProperties],
      });
      const deals = await dealsWithCompanies(raw, toClosedDeal);
      return toCached(
        relist(
          deals,
          deals.sort((a, b) => Date.parse(b.closeDate) - Date.parse(a.closeDate) || a.id.localeCompare(b.id)),
        ),
      );
    });
    return fromCached(cached);
  }

  async function openDeals(ownerId?: string): Promise<Listing<Deal>> {
    const cached = await cache.get(`deals:open:${ownerId ?? "*"}`, async () => {
      // hs_is_closed is computed from the pipeline's closed stages, so custom pipelines work too.
      const filters: Filter[] = [{ propertyName: "hs_is_closed", operator: FilterOperatorEnum.Eq, value: "false" }];
      if (ownerId) filters.push({ propertyName: "hubspot_owner_id", operator: FilterOperatorEnum.Eq, value: ownerId });
      const raw = await searchAll("search open deals", "deals", {
        filterGroups: [{ filters }],
        properties: [...dealProperties],
      });
      return toCached(await dealsWithCompanies(raw, toDeal));
    });
    return fromCached(cached);
  }

  async function engagements(
    associations: Record<string, { results: { id: string }[] }> | undefined,
  ): Promise<CrmActivity[]> {
    if (!associations) return [];
    const ownerNames = await owners();
    const perType = await Promise.all(
      engagementTypes.map(async (kind: EngagementType) => {
        const key = Object.keys(associations).find((k) => k === kind || k.startsWith(`${kind}`));
        const ids = key ? (associations[key]?.results ?? []).map((r) => r.id) : [];
        if (ids.length === 0) return [];
        const objects = await batchRead(kind, ids, activityProperties[kind]);
        return objects.map((o) => toActivity(kind, o, ownerNames));
      }),
    );
    return sortActivities(perType.flat());
  }

  function idsOf(associations: Record<string, { results: { id: string }[] }> | undefined, type: string): string[] {
    if (!associations) return [];
    const key = Object.keys(associations).find((k) => k === type || k.startsWith(type));
    return key ? (associations[key]?.results ?? []).map((r) => r.id) : [];
  }

  async function customers(): Promise<Listing<Customer>> {
    const cached = await cache.get("customers", async () => {
      const raw = await searchAll("search customers", "companies", {
        filterGroups: [
          { filters: [{ propertyName: "lifecyclestage", operator: FilterOperatorEnum.Eq, value: lifecycle }] },
        ],
        properties: companyProperties(health),
      });
      if (raw.length === 0) return { items: [] };
      const [ticketIds, ownerNames] = await Promise.all([
        associated(
          "companies",
          "tickets",
          raw.map((c) => c.id),
        ),
        owners(),
      ]);
      const tickets = await batchRead("tickets", [...ticketIds.values()].flat(), ticketProperties);
      const ticketById = new Map(tickets.map((t) => [t.id, toTicket(t)]));
      const list = raw.map((c) => {
        const owner = c.properties.hubspot_owner_id ?? undefined;
        const label = owner ? ownerNames.get(owner) : undefined;
        return toCustomer(c, {
          health,
          links,
          currency,
          tickets: (ticketIds.get(c.id) ?? []).flatMap((id) => {
            const t = ticketById.get(id);
            return t ? [t] : [];
          }),
          ...(label ? { ownerName: label } : {}),
        });
      });
      return toCached(relist(raw, list));
    });
    return fromCached(cached);
  }

  const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());

  const markedProperty = { notes: "hs_note_body", calls: "hs_call_body", tasks: "hs_task_body", deals: "description" };

  async function findMarked(kind: keyof typeof markedProperty, marker: string): Promise<string | undefined> {
    const property = markedProperty[kind];
    const res = await client.crm.objects.searchApi.doSearch(kind, {
      filterGroups: [
        { filters: [{ propertyName: property, operator: FilterOperatorEnum.ContainsToken, value: marker }] },
      ],
      properties: [property],
      sorts: [],
      limit: 1,
      after: "0",
    });
    return res.results[0]?.id;
  }

  return {
    async listOpenDeals(filter) {
      return openDeals(filter?.ownerId);
    },

    async getDeal(id) {
      return cache.get(`deal:${id}`, async () => {
        const raw = await call("read deal", () =>
          client.crm.deals.basicApi.getById(id, [...dealProperties], undefined, ["companies", ...engagementTypes]),
        );
        const associations = raw.associations as Record<string, { results: { id: string }[] }> | undefined;
        const [activities, ownerNames, stages] = await Promise.all([
          engagements(associations),
          owners(),
          stageLabels(),
        ]);
        const companyId = idsOf(associations, "companies")[0];
        const company = companyId ? (await batchRead("companies", [companyId], ["name"]))[0] : undefined;
        const owner = raw.properties.hubspot_owner_id ?? undefined;
        const label = owner ? ownerNames.get(owner) : undefined;
        const deal = toDeal(asObject(raw), {
          links,
          currency,
          ...(company ? { company: { id: company.id, name: company.properties.name ?? `Company ${company.id}` } } : {}),
          ...(label ? { ownerName: label } : {}),
        });
        const detail: DealDetail = {
          ...withActivitySignals(labelled(deal, stages), activities, deps.clock.now()),
          activities,
        };
        return detail;
      });
    },

    async findDeals(name) {
      const needle = name.trim();
      if (needle === "") return [];
      const all = await openDeals();
      const open = relist(
        all,
        all.filter((d) => contains(d.name, needle) || contains(d.company.name, needle)),
      );
      if (open.length > 0) return open;
      // Not an open deal: fall back to HubSpot's full-text search over all deals.
      const cached = await cache.get(`deals:find:${needle.toLowerCase()}`, async () => {
        const raw = await searchAll("search deals", "deals", { query: needle, properties: [...dealProperties] });
        return toCached(await dealsWithCompanies(raw, toDeal));
      });
      return fromCached(cached);
    },

    async listClosedDeals(since) {
      return closedDeals(since);
    },

    async listCustomers() {
      return customers();
    },

    async findCustomers(name) {
      const needle = name.trim();
      const all = await customers();
      return relist(
        all,
        all.filter((c) => contains(c.name, needle)),
      );
    },

    async getCustomer(id) {
      return cache.get(`customer:${id}`, async () => {
        const raw = await call("read company", () =>
          client.crm.companies.basicApi.getById(id, companyProperties(health), undefined, [
            "contacts",
            "tickets",
            ...engagementTypes,
          ]),
        );
        const associations = raw.associations as Record<string, { results: { id: string }[] }> | undefined;
        const [activities, ownerNames, contacts, tickets] = await Promise.all([
          engagements(associations),
          owners(),
          batchRead("contacts", idsOf(associations, "contacts"), contactProperties),
          batchRead("tickets", idsOf(associations, "tickets"), ticketProperties),
        ]);
        const owner = raw.properties.hubspot_owner_id ?? undefined;
        const label = owner ? ownerNames.get(owner) : undefined;
        const customer = toCustomer(asObject(raw), {
          health,
          links,
          currency,
          tickets: tickets.map(toTicket),
          ...(label ? { ownerName: label } : {}),
        });
        const detail: CustomerDetail = { ...customer, activities, contacts: contacts.map(toContact) };
        return detail;
      });
    },

    async logActivity(input: NewCrmActivity, options) {
      const kind = input.type === "call" ? "calls" : "notes";
      const marker = approvalMarker(options.idempotencyKey);
      const done = await deps.store.get(`hubspot:write:${marker}`);
      if (done !== undefined) return { id: done };
      const body = `<p>${escapeHtml(input.body).replace(/\n/g, "<br>")}</p><p>Logged by daybook${input.author ? ` for ${escapeHtml(input.author.name)}` : ""} (ref ${marker})</p>`;
      const typeId = associationTypeIds[input.type][input.target.kind];
      const properties: Record<string, string> =
        input.type === "call"
          ? {
              hs_timestamp: new Date(deps.clock.now()).toISOString(),
              hs_call_body: body,
              hs_call_title: input.body.split("\n")[0]?.slice(0, 80) ?? "Call",
              hs_call_status: "COMPLETED",
            }
          : { hs_timestamp: new Date(deps.clock.now()).toISOString(), hs_note_body: body };
      // The requester is the activity's owner in HubSpot, so the note is credited to them.
      if (input.author?.crmOwnerId) properties.hubspot_owner_id = input.author.crmOwnerId;
      const id = await call(`log ${input.type}`, async () => {
        // A retry after a lost response must not log twice: look for this approval's marker first.
        const existing = await findMarked(kind, marker);
        if (existing) return existing;
        const created = await client.crm.objects.basicApi.create(kind, {
          properties,
          associations: [
            {
              to: { id: input.target.id },
              types: [
                {
                  associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                  associationTypeId: typeId,
                },
              ],
            },
          ],
        });
        return created.id;
      });
      await deps.store.set(`hubspot:write:${marker}`, id, { ttlMs: 7 * 24 * 3_600_000 });
      await cache.invalidate();
      return { id };
    },

    async dealStages() {
      // The first pipeline (displayOrder 0) is the sales pipeline new deals go into.
      const stages = await pipelineStages();
      const first = stages[0]?.pipelineId;
      return stages.filter((st) => st.pipelineId === first).map((st) => st.label);
    },

    async createTask(input: NewCrmTask, options) {
      const marker = approvalMarker(options.idempotencyKey);
      const done = await deps.store.get(`hubspot:write:${marker}`);
      if (done !== undefined) return { id: done };
      const properties: Record<string, string> = {
        hs_timestamp: new Date(Date.parse(input.dueAt)).toISOString(),
        hs_task_subject: input.subject,
        hs_task_body: `<p>${escapeHtml(input.body ?? input.subject)}</p><p>Created by daybook${input.owner ? ` for ${escapeHtml(input.owner.name)}` : ""} (ref ${marker})</p>`,
        hs_task_status: "NOT_STARTED",
        hs_task_type: "TODO",
      };
      if (input.owner?.crmOwnerId) properties.hubspot_owner_id = input.owner.crmOwnerId;
      const id = await call("create task", async () => {
        const existing = await findMarked("tasks", marker);
        if (existing) return existing;
        const created = await client.crm.objects.basicApi.create("tasks", {
          properties,
          associations: [
            {
              to: { id: input.companyId },
              types: [
                {
                  associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                  associationTypeId: taskToCompany,
                },
              ],
            },
          ],
        });
        return created.id;
      });
      await deps.store.set(`hubspot:write:${marker}`, id, { ttlMs: 7 * 24 * 3_600_000 });
      await cache.invalidate();
      return { id };
    },

    async createDeal(input: NewCrmDeal, options) {
      const marker = approvalMarker(options.idempotencyKey);
      const done = await deps.store.get(`hubspot:write:${marker}`);
      if (done !== undefined) return { id: done, url: links.dealUrl(done) };
      // A new deal goes into the sales pipeline (the first); its stage label resolves there.
      const stages = await pipelineStages();
      const stage = resolveDealStage(stages, stages[0]?.pipelineId, input.stage);
      const properties: Record<string, string> = {
        dealname: input.name,
        amount: String(input.amount),
        deal_currency_code: input.currency,
        dealstage: stage.id,
        description: `Created by daybook${input.owner ? ` for ${input.owner.name}` : ""} (ref ${marker})`,
      };
      if ("pipelineId" in stage) properties.pipeline = stage.pipelineId;
      if (input.closeDate) properties.closedate = `${input.closeDate}T00:00:00.000Z`;
      if (input.owner?.crmOwnerId) properties.hubspot_owner_id = input.owner.crmOwnerId;
      const id = await call("create deal", async () => {
        const existing = await findMarked("deals", marker);
        if (existing) return existing;
        const created = await client.crm.deals.basicApi.create({
          properties,
          associations: [
            {
              to: { id: input.companyId },
              types: [
                {
                  associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                  associationTypeId: dealToCompany,
                },
              ],
            },
          ],
        });
        return created.id;
      });
      await deps.store.set(`hubspot:write:${marker}`, id, { ttlMs: 7 * 24 * 3_600_000 });
      await cache.invalidate();
      return { id, url: links.dealUrl(id) };
    },

    ...(healthProperty
      ? {
          healthScoreProperty: healthProperty,
          async setHealthScore(companyId: string, score: number) {
            // Setting a property to a value is idempotent, so a retried PATCH is harmless.
            const res = await call("update company health score", () =>
              client.crm.companies.basicApi.update(companyId, { properties: { [healthProperty]: String(score) } }),
            );
            await cache.invalidate();
            return { id: res.id };
          },
        }
      : {}),

    async updateDealStage(dealId, stage, _options) {
      // Reads show labels, so a stage arrives as a label; HubSpot takes the id of that stage in
      // the deal's own pipeline (deal-stages.ts). Unknown or ambiguous labels fail before the PATCH.
      const [stages, current] = await Promise.all([
        pipelineStages(),
        call("read deal pipeline", () => client.crm.deals.basicApi.getById(dealId, ["pipeline"])),
      ]);
      const { id } = resolveDealStage(stages, current.properties.pipeline ?? undefined, stage);
      // Setting a property to a value is idempotent, so a retried PATCH is harmless.
      const res = await call("update deal stage", () =>
        client.crm.deals.basicApi.update(dealId, { properties: { dealstage: id } }),
      );
      await cache.invalidate();
      return { id: res.id };
    },
  };
}
