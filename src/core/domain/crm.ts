import type { Listing, WriteOptions } from "./common.ts";

export type ActivityType = "email" | "call" | "meeting" | "note" | "demo";

export interface CrmActivity {
  id: string;
  type: ActivityType;
  /** inbound = the customer wrote/called us. */
  direction?: "inbound" | "outbound";
  at: string;
  /** Short subject/summary, not a full email body. */
  summary: string;
  author?: string;
}

export interface Deal {
  id: string;
  name: string;
  company: { id: string; name: string };
  stage: string;
  /** Deal amount, in `currency`. */
  amount: number;
  /**
   * ISO 4217 code of `amount` ("EUR"). Required: a CRM that keeps no currency on a record (a
   * HubSpot deal without deal_currency_code, every HubSpot company) is read in the account's
   * configured currency, so each amount says what it is in and no reader guesses.
   */
  currency: string;
  /** 0..1 */
  probability: number;
  closeDate?: string;
  ownerId: string;
  ownerName?: string;
  lastActivityAt?: string;
  /** Most recent inbound customer message, ISO. */
  lastInboundAt?: string;
  /** Next scheduled meeting, ISO. */
  nextMeetingAt?: string;
  /** Last demo held, ISO. */
  lastDemoAt?: string;
  url: string;
}

/** A deal that reached a closed stage: won or lost, and when. */
export interface ClosedDeal extends Deal {
  outcome: "won" | "lost";
  /** When the deal closed, ISO 8601 (a date-time, or a date when the CRM only keeps the day). */
  closeDate: string;
}

export interface DealDetail extends Deal {
  activities: CrmActivity[];
}

export interface SupportTicket {
  id: string;
  subject: string;
  status: "open" | "closed";
  createdAt: string;
}

/** A customer company with the health signals churn scoring uses. */
export interface Customer {
  id: string;
  name: string;
  /** Annual recurring revenue, in `currency`. */
  arr: number;
  /** ISO 4217 code of `arr`; the account's configured currency when the CRM keeps none (see Deal). */
  currency: string;
  plan?: string;
  ownerName?: string;
  /** Relative change of product usage over `usageWindowDays`, e.g. -0.65. */
  usageChange: number;
  usageWindowDays: number;
  adminLastLoginAt?: string;
  tickets: SupportTicket[];
  lastFailedPaymentAt?: string;
  unusedPaidFeatures: string[];
  /**
   * When the contract renews, YYYY-MM-DD, as the CRM keeps it (HubSpot: a `renewal_date` company
   * property). When absent, the renewal is the contract start plus its term (tools/crm/renewals.ts).
   */
  renewalDate?: string;
  /** When the current contract started (the deal's close date), YYYY-MM-DD. */
  contractStartDate?: string;
  /** Contract term in months (12 for an annual plan). */
  termMonths?: number;
  url: string;
}

export interface CustomerDetail extends Customer {
  activities: CrmActivity[];
  contacts: { id: string; name: string; email?: string; title?: string }[];
}

export interface NewCrmActivity {
  /** Company or deal the note/call is logged on. */
  target: { kind: "company" | "deal"; id: string };
  type: "call" | "note";
  body: string;
  /** The person who asked for it (and the CRM owner they are), credited as its author. */
  author?: { name: string; crmOwnerId?: string };
}

/** Listings are complete, or marked `truncated` when the vendor's result cap cut them (say so). */
export interface CrmPort {
  /** Open deals, optionally for one owner (account executive). */
  listOpenDeals(filter?: { ownerId?: string }): Promise<Listing<Deal>>;
  getDeal(id: string): Promise<DealDetail>;
  /** Deals and customers whose name contains `name` (case-insensitive). */
  findDeals(name: string): Promise<Listing<Deal>>;
  /** Deals closed (won or lost) on or after `since` (ISO 8601), most recent first. */
  listClosedDeals(since: string): Promise<Listing<ClosedDeal>>;
  listCustomers(): Promise<Listing<Customer>>;
  findCustomers(name: string): Promise<Listing<Customer>>;
  getCustomer(id: string): Promise<CustomerDetail>;
  logActivity(input: NewCrmActivity, options: WriteOptions): Promise<{ id: string }>;
  updateDealStage(dealId: string, stage: string, options: WriteOptions): Promise<{ id: string }>;
}
