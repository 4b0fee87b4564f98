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
  /**
   * The whole text as plain text (a note, a call's notes, an email's body), when the CRM keeps
   * more than the summary shows; meeting prep reads pain points and names from it.
   */
  body?: string;
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

/** A follow-up task on a company, due at an instant (the requester's "Thursday 2pm"). */
export interface NewCrmTask {
  companyId: string;
  subject: string;
  /** ISO 8601 instant. */
  dueAt: string;
  body?: string;
  /** Whose task it is: the person who asked (their CRM owner id when they have one). */
  owner?: { name: string; crmOwnerId?: string };
}

/** A new deal on a company, in a stage of the CRM's sales pipeline (named by its label). */
export interface NewCrmDeal {
  companyId: string;
  name: string;
  amount: number;
  /** ISO 4217 code of `amount`. */
  currency: string;
  stage: string;
  /** YYYY-MM-DD. */
  closeDate?: string;
  owner?: { name: string; crmOwnerId?: string };
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
  createTask(input: NewCrmTask, options: WriteOptions): Promise<{ id: string }>;
  createDeal(input: NewCrmDeal, options: WriteOptions): Promise<{ id: string; url?: string }>;
  /** The sales pipeline's stages in order (labels), for a new deal's stage. */
  dealStages(): Promise<string[]>;
  /**
   * The company property that keeps a health score (0-100), when this CRM has one (HubSpot:
   * configured; the demo CRM keeps none). Without it there is no `setHealthScore`.
   */
  healthScoreProperty?: string;
  setHealthScore?(companyId: string, score: number, options: WriteOptions): Promise<{ id: string }>;
}
