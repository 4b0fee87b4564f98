import type { Client } from "@hubspot/api-client";
import type { PublicObjectSearchRequest } from "@hubspot/api-client/lib/codegen/crm/objects/index.js";
import { type Listing, truncatedListing } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { HubSpotObject } from "./normalize-hubspot.ts";

/**
 * Search returns at most 200 per page and no more than 10,000 results per query, a 400 past that
 * (https://developers.hubspot.com/docs/api/crm/search#limitations): the 10,000th result is the
 * vendor's cap, and a listing that reaches it is marked truncated.
 */
export const searchPageSize = 200;
export const searchMaxResults = 10_000;

/** A search listing's records in words, for "showing the first 10,000 of 12,400 deals". */
const searchedWhat: Record<string, string> = { deals: "deals", companies: "companies" };

export interface SearchDeps {
  client: Client;
  /** One limited, retried call (the connector's search limiter). */
  call: <T>(operation: string, op: () => Promise<T>) => Promise<T>;
  maxResults: number;
  logger: Logger;
}

/** Every result of a CRM search in pages of 200, up to `maxResults` (then marked truncated). */
export function hubspotSearch(deps: SearchDeps) {
  const { client, call, maxResults, logger } = deps;
  return async function searchAll(
    operation: string,
    objectType: string,
    request: PublicObjectSearchRequest,
  ): Promise<Listing<HubSpotObject>> {
    const out: HubSpotObject[] = [];
    let after: string | undefined;
    for (;;) {
      // The published spec requires after, sorts, properties and filterGroups on every search;
      // "0" is the documented first-page cursor.
      const body: PublicObjectSearchRequest = {
        sorts: [],
        properties: [],
        filterGroups: [],
        ...request,
        limit: Math.min(searchPageSize, maxResults - out.length),
        after: after ?? "0",
      };
      const res = await call(operation, () =>
        objectType === "deals"
          ? client.crm.deals.searchApi.doSearch(body)
          : objectType === "companies"
            ? client.crm.companies.searchApi.doSearch(body)
            : client.crm.objects.searchApi.doSearch(objectType, body),
      );
      // A 2xx without a search body (a proxy's empty 200, an SDK change) is the upstream's fault,
      // said as such; reading .results off it was a TypeError the person saw as "something went wrong".
      if (!res || !Array.isArray(res.results)) {
        throw new DaybookError("upstream_error", `HubSpot ${operation}: the answer had no results list`, {
          userMessage: "HubSpot answered a search without its results; please try again in a minute.",
        });
      }
      out.push(...res.results.map((r) => ({ id: r.id, properties: r.properties ?? {} })));
      after = res.paging?.next?.after;
      if (!after) return out;
      if (out.length >= maxResults) {
        logger.warn("hubspot search cut at the result limit", { operation, shown: out.length });
        const what = searchedWhat[objectType] ?? objectType;
        return truncatedListing(out, {
          shown: out.length,
          what,
          ...(res.total > out.length ? { total: res.total } : {}),
        });
      }
    }
  };
}
