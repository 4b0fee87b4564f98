import { type Listing, type Truncation, truncatedListing } from "../../src/core/domain/common.ts";

/** A listing as the ReadCache stores it: JSON keeps no array properties, so the cut travels beside it. */
export interface CachedListing<T> {
  items: T[];
  truncated?: Truncation;
}

export function toCached<T>(list: Listing<T>): CachedListing<T> {
  return list.truncated ? { items: list, truncated: list.truncated } : { items: list };
}

export function fromCached<T>(cached: CachedListing<T>): Listing<T> {
  return cached.truncated ? truncatedListing(cached.items, cached.truncated) : cached.items;
}

/** `derived` (mapped or filtered from `source`) carries the cut of the listing it came from. */
export function relist<S, T>(source: Listing<S>, derived: T[]): Listing<T> {
  return source.truncated ? truncatedListing(derived, source.truncated) : derived;
}
