import type {
  ActivityType,
  ClosedDeal,
  CrmActivity,
  Customer,
  Deal,
  SupportTicket,
} from "../../src/core/domain/crm.ts";

/**
 * Pure mapping from HubSpot CRM v3 objects (`{ id, properties }`, every property a string or
 * null) to daybook's domain types. No I/O, so each rule here is unit-tested on its own.
 */
export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null | undefined>;
}

/**
 * Company properties that carry churn signals. HubSpot has no standard fields for product
 * usage, so these are custom company properties a data sync fills; names are configurable.
 */
export interface CompanyHealthProperties {
  arr: string;
  plan: string;
  /** Relative usage change: a fraction (-0.65) or a percentage (-65). */
  usageChange: string;
  usageWindowDays: string;
  adminLastLogin: string;
  lastFailedPayment: string;
  /** Multiple checkboxes (values separated by ";") or free text separated by "," or ";". */
  unusedPaidFeatures: string;
  /** Contract renewal date; without it, contract start plus term (tools/crm/renewals.ts). */
  renewalDate: string;
  contractStart: string;
  termMonths: string;
}

export const defaultCompanyHealthProperties: CompanyHealthProperties = {
  arr: "daybook_arr",
  plan: "daybook_plan",
  usageChange: "daybook_usage_change",
  usageWindowDays: "daybook_usage_window_days",
  adminLastLogin: "daybook_admin_last_login",
  lastFailedPayment: "daybook_last_failed_payment",
  unusedPaidFeatures: "daybook_unused_paid_features",
  renewalDate: "daybook_renewal_date",
  contractStart: "daybook_contract_start",
  termMonths: "daybook_term_months",
};

/** Deal properties read for every listed deal; custom ones are optional (null when absent). */
export const dealProperties = [
  "dealname",
  "dealstage",
  "amount",
  "deal_currency_code",
  "hs_deal_stage_probability",
  "closedate",
  "hubspot_owner_id",
  "notes_last_updated",
  "notes_next_activity_date",
  "hs_lastmodifieddate",
  "daybook_last_inbound_at",
  "daybook_last_demo_at",
] as const;

export function companyProperties(health: CompanyHealthProperties): string[] {
  return ["name", "domain", "hubspot_owner_id", ...Object.values(health)];
}

export const activityProperties: Record<"notes" | "calls" | "emails" | "meetings", string[]> = {
  notes: ["hs_note_body", "hs_timestamp", "hubspot_owner_id"],
  calls: ["hs_call_title", "hs_call_body", "hs_call_direction", "hs_timestamp", "hubspot_owner_id"],
  emails: ["hs_email_subject", "hs_email_text", "hs_email_direction", "hs_timestamp", "hubspot_owner_id"],
  meetings: ["hs_meeting_title", "hs_meeting_start_time", "hs_timestamp", "hubspot_owner_id"],
};

export const ticketProperties = ["subject", "createdate", "closed_date", "hs_pipeline_stage"];

export const contactProperties = ["firstname", "lastname", "email", "jobtitle"];

function text(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function num(value: string | null | undefined): number | undefined {
  const t = text(value);
  if (t === undefined) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * HubSpot date properties arrive as ISO strings, date-only strings, or epoch milliseconds
 * (older datetime properties); returns ISO or undefined.
 */
export function hubspotDate(value: string | null | undefined): string | undefined {
  const t = text(value);
  if (t === undefined) return undefined;
  const ms = /^\d{10,}$/.test(t) ? Number(t) : Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Note and call bodies are HTML; chat gets a short plain-text line. */
export function plainSummary(html: string | null | undefined, max = 140): string {
  const t = (text(html) ?? "")
    .replace(/<br\s*\/?>|<\/p>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Deal probability: HubSpot stores 0..1, but imported portals sometimes hold 0..100. */
export function probability(value: string | null | undefined): number {
  const n = num(value) ?? 0;
  const p = n > 1 ? n / 100 : n;
  return Math.min(1, Math.max(0, p));
}

/**
 * An ISO 4217 code as HubSpot keeps it ("EUR", sometimes lower case), or undefined for an empty
 * or malformed value, which then reads in the portal's currency.
 */
export function currencyCode(value: string | null | undefined): string | undefined {
  const t = text(value)?.toUpperCase();
  return t && /^[A-Z]{3}$/.test(t) ? t : undefined;
}

export interface Links {
  dealUrl(id: string): string;
  companyUrl(id: string): string;
}

/** Record links; with the portal id they open the record, without it HubSpot asks to pick an account. */
export function hubspotLinks(portalId?: string): Links {
  const base = portalId
    ? `https://app.hubspot.com/contacts/${encodeURIComponent(portalId)}`
    : "https://app.hubspot.com/contacts";
  return {
    dealUrl: (id) => `${base}/record/0-3/${encodeURIComponent(id)}`,
    companyUrl: (id) => `${base}/record/0-2/${encodeURIComponent(id)}`,
  };
}

export interface DealContext {
  company?: { id: string; name: string };
  ownerName?: string;
  links: Links;
  /**
   * The portal's company currency, for a deal without deal_currency_code (a single-currency
   * portal may leave it empty). Read from configuration: the account-info settings API is a
   * separate scope and not among the endpoints this connector calls.
   */
  currency: string;
}

export function toDeal(raw: HubSpotObject, context: DealContext): Deal {
  const p = raw.properties;
  const deal: Deal = {
    id: raw.id,
    name: text(p.dealname) ?? `Deal ${raw.id}`,
    company: context.company ?? { id: "", name: "(no company)" },
    stage: text(p.dealstage) ?? "unknown",
    amount: num(p.amount) ?? 0,
    currency: currencyCode(p.deal_currency_code) ?? context.currency,
    probability: probability(p.hs_deal_stage_probability),
    ownerId: text(p.hubspot_owner_id) ?? "",
    url: context.links.dealUrl(raw.id),
  };
  const closeDate = hubspotDate(p.closedate);
  if (closeDate) deal.closeDate = closeDate.slice(0, 10);
  if (context.ownerName) deal.ownerName = context.ownerName;
  const lastActivity = hubspotDate(p.notes_last_updated) ?? hubspotDate(p.hs_lastmodifieddate);
  if (lastActivity) deal.lastActivityAt = lastActivity;
  const nextMeeting = hubspotDate(p.notes_next_activity_date);
  if (nextMeeting) deal.nextMeetingAt = nextMeeting;
  const inbound = hubspotDate(p.daybook_last_inbound_at);
  if (inbound) deal.lastInboundAt = inbound;
  const demo = hubspotDate(p.daybook_last_demo_at);
  if (demo) deal.lastDemoAt = demo;
  return deal;
}

/** Properties read for closed deals: the deal's own, plus HubSpot's computed closed flags. */
export const closedDealProperties = [...dealProperties, "hs_is_closed", "hs_is_closed_won"] as const;

/**
 * A closed deal: won when HubSpot's computed hs_is_closed_won is true, otherwise lost (the
 * search asked for hs_is_closed = true). Keeps the full close timestamp, unlike toDeal.
 * Returns undefined without a readable closedate, which a closed-since search cannot return.
 */
export function toClosedDeal(raw: HubSpotObject, context: DealContext): ClosedDeal | undefined {
  const closeDate = hubspotDate(raw.properties.closedate);
  if (!closeDate) return undefined;
  const won = text(raw.properties.hs_is_closed_won)?.toLowerCase() === "true";
  return { ...toDeal(raw, context), outcome: won ? "won" : "lost", closeDate };
}

function direction(value: string | null | undefined): "inbound" | "outbound" | undefined {
  const v = text(value)?.toUpperCase();
  if (v === undefined) return undefined;
  // Emails: INCOMING_EMAIL is the customer writing; EMAIL and FORWARDED_EMAIL are ours.
  if (v === "INBOUND" || v === "INCOMING_EMAIL") return "inbound";
  return "outbound";
}

/** Longest activity body kept (plain text): a long email thread's first screens carry what prep needs. */
const ACTIVITY_BODY_MAX = 4_000;

/** One engagement object (note, call, email, meeting) as a CrmActivity. */
export function toActivity(
  kind: "notes" | "calls" | "emails" | "meetings",
  raw: HubSpotObject,
  ownerNames: ReadonlyMap<string, string> = new Map(),
): CrmActivity {
  const p = raw.properties;
  let type: ActivityType;
  let summary: string;
  let dir: "inbound" | "outbound" | undefined;
  // The whole text (note, call notes, email body), kept when it says more than the summary.
  let full: string | null | undefined;
  let at = hubspotDate(p.hs_timestamp);
  switch (kind) {
    case "notes":
      type = "note";
      summary = plainSummary(p.hs_note_body);
      full = p.hs_note_body;
      break;
    case "calls":
      type = "call";
      summary = plainSummary(text(p.hs_call_title) ?? p.hs_call_body);
      full = p.hs_call_body;
      dir = direction(p.hs_call_direction);
      break;
    case "emails":
      type = "email";
      summary = plainSummary(p.hs_email_subject);
      full = p.hs_email_text;
      dir = direction(p.hs_email_direction);
      break;
    case "meetings": {
      const title = plainSummary(p.hs_meeting_title);
      type = /\bdemo\b/i.test(title) ? "demo" : "meeting";
      summary = title;
      at = hubspotDate(p.hs_meeting_start_time) ?? at;
      break;
    }
  }
  const activity: CrmActivity = {
    id: raw.id,
    type,
    at: at ?? new Date(0).toISOString(),
    summary: summary || `(${type})`,
  };
  if (dir) activity.direction = dir;
  const body = plainSummary(full, ACTIVITY_BODY_MAX);
  if (body && body !== activity.summary) activity.body = body;
  const owner = text(p.hubspot_owner_id);
  const author = owner ? ownerNames.get(owner) : undefined;
  if (author) activity.author = author;
  return activity;
}

/** Newest first. */
export function sortActivities(activities: CrmActivity[]): CrmActivity[] {
  return [...activities].sort((a, b) => b.at.localeCompare(a.at));
}

/**
 * Fills a deal's timing signals from its engagements when the deal properties lack them:
 * latest inbound message, next meeting after `now`, last demo held, latest activity.
 */
export function withActivitySignals<T extends Deal>(deal: T, activities: CrmActivity[], now: number): T {
  const out = { ...deal };
  const nowIso = new Date(now).toISOString();
  const past = activities.filter((a) => a.at <= nowIso);
  const latest = (list: CrmActivity[]) =>
    list.reduce<string | undefined>((m, a) => (m === undefined || a.at > m ? a.at : m), undefined);
  const inbound = latest(past.filter((a) => a.direction === "inbound"));
  if (inbound && (!out.lastInboundAt || inbound > out.lastInboundAt)) out.lastInboundAt = inbound;
  const demo = latest(past.filter((a) => a.type === "demo"));
  if (demo && (!out.lastDemoAt || demo > out.lastDemoAt)) out.lastDemoAt = demo;
  const last = latest(past);
  if (last && (!out.lastActivityAt || last > out.lastActivityAt)) out.lastActivityAt = last;
  const upcoming = activities
    .filter((a) => (a.type === "meeting" || a.type === "demo") && a.at > nowIso)
    .map((a) => a.at)
    .sort()[0];
  if (upcoming) out.nextMeetingAt = upcoming;
  return out;
}

export function toTicket(raw: HubSpotObject): SupportTicket {
  const p = raw.properties;
  return {
    id: raw.id,
    subject: text(p.subject) ?? `Ticket ${raw.id}`,
    // Default and custom pipelines name their closed stages differently; every closed ticket
    // has closed_date set (https://knowledge.hubspot.com/properties/hubspots-default-ticket-properties).
    status: text(p.closed_date) ? "closed" : "open",
    createdAt: hubspotDate(p.createdate) ?? new Date(0).toISOString(),
  };
}

/** Relative usage change as a fraction: |v| > 1 is read as a percentage (-65 -> -0.65). */
export function usageChange(value: string | null | undefined): number {
  const n = num(value) ?? 0;
  return Math.abs(n) > 1 ? n / 100 : n;
}

export function splitList(value: string | null | undefined): string[] {
  return (text(value) ?? "")
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function toCustomer(
  raw: HubSpotObject,
  context: {
    health: CompanyHealthProperties;
    tickets: SupportTicket[];
    ownerName?: string;
    links: Links;
    /** ARR is a custom number property with no currency of its own: it is in the portal's currency. */
    currency: string;
  },
): Customer {
  const p = raw.properties;
  const h = context.health;
  const customer: Customer = {
    id: raw.id,
    name: text(p.name) ?? text(p.domain) ?? `Company ${raw.id}`,
    arr: num(p[h.arr]) ?? 0,
    currency: context.currency,
    usageChange: usageChange(p[h.usageChange]),
    usageWindowDays: num(p[h.usageWindowDays]) ?? 30,
    tickets: context.tickets,
    unusedPaidFeatures: splitList(p[h.unusedPaidFeatures]),
    url: context.links.companyUrl(raw.id),
  };
  const plan = text(p[h.plan]);
  if (plan) customer.plan = plan;
  if (context.ownerName) customer.ownerName = context.ownerName;
  const login = hubspotDate(p[h.adminLastLogin]);
  if (login) customer.adminLastLoginAt = login;
  const failed = hubspotDate(p[h.lastFailedPayment]);
  if (failed) customer.lastFailedPaymentAt = failed;
  const renewal = hubspotDate(p[h.renewalDate]);
  if (renewal) customer.renewalDate = renewal.slice(0, 10);
  const start = hubspotDate(p[h.contractStart]);
  if (start) customer.contractStartDate = start.slice(0, 10);
  const term = num(p[h.termMonths]);
  if (term !== undefined && term > 0) customer.termMonths = term;
  return customer;
}

export function toContact(raw: HubSpotObject): { id: string; name: string; email?: string; title?: string } {
  const p = raw.properties;
  const name = [text(p.firstname), text(p.lastname)].filter(Boolean).join(" ") || text(p.email) || `Contact ${raw.id}`;
  const contact: { id: string; name: string; email?: string; title?: string } = { id: raw.id, name };
  const email = text(p.email);
  if (email) contact.email = email;
  const title = text(p.jobtitle);
  if (title) contact.title = title;
  return contact;
}

export function ownerName(owner: { firstName?: string; lastName?: string; email?: string }): string | undefined {
  return [owner.firstName, owner.lastName].filter((s) => s && s.trim() !== "").join(" ") || owner.email || undefined;
}

/**
 * The text that marks a note or call as written for one approval, so a retry after a lost
 * response finds the first write instead of logging twice (HubSpot has no idempotency header).
 * Only letters and digits, so HubSpot search sees it as one token.
 */
export function approvalMarker(approvalId: string): string {
  return `daybook${approvalId.replace(/[^A-Za-z0-9]/g, "")}`;
}
