/**
 * Who a generated organisation is: its name, currency, Jira project, people, and the names of
 * the companies that carry the named situations. The generators take every name from here, so
 * one set of situations (a blocked deploy, a ghosted deal, a bill without a PO) can be played
 * by a different company: the demo ("Northwind Demo") and, in the tests, a second organisation
 * with other people, another project key and another currency.
 */

export interface DemoVendor {
  id: string;
  name: string;
  account: string;
  /** Typical bill range in whole currency units. */
  min: number;
  max: number;
  item: string;
}

export interface DemoPerson {
  ownerId: string;
  ownerName: string;
}

export interface NamedDeal {
  /** Company name as the CRM shows it. */
  company: string;
  /** Deal name suffix after "<company> - ". */
  product: string;
  /** The contact who wrote in (first + last name and role). */
  contact: string;
}

/** What the demo deal's discovery notes and emails say (meeting prep reads it back out of the text). */
export interface DealDiscovery {
  /** What they want it for, as the notes put it ("supply chain"). */
  useCase: string;
  /** [0] signs off on the budget (writes the evaluation email), [1] is the champion (on the discovery call), [2] joins the call. */
  stakeholders: readonly [Stakeholder, Stakeholder, Stakeholder];
  /** Three sentences saying what hurts: [0] and [1] from the discovery call, [2] from the email. */
  painPoints: readonly [string, string, string];
  /** The competitors the email says they are evaluating. */
  competitors: readonly string[];
}

export interface Stakeholder {
  name: string;
  title: string;
}

export interface NamedCustomer {
  name: string;
  contact: string;
  email: string;
  title: string;
}

export interface DemoProfile {
  organisation: string;
  currency: string;
  /** IANA timezone the books' "month being closed" is judged in. */
  timeZone: string;
  projectKey: string;
  urls: { jira: string; crm: string; accounting: string };
  bankAccount: string;
  bankName: string;
  sprint: { number: number; goal: string };
  /**
   * Six engineers. [0] has the story ready for review, [1] is flagged waiting on another team,
   * [2] owns the blocked deploy, [3] and [4] own the at-risk stories, [5] the stale carry-over.
   */
  engineers: readonly [string, string, string, string, string, string];
  /** The account executive with the big pipeline and the one with a few deals. */
  lead: DemoPerson;
  second: DemoPerson;
  csms: readonly [string, string];
  deals: {
    /** Replied this morning, asking for pricing: the hottest deal. */
    hot: NamedDeal;
    /** Proposal sent, silent five days. */
    silent: NamedDeal;
    /** Demo tomorrow 2 PM, with discovery notes and an evaluation email before it. */
    demo: NamedDeal & { discovery: DealDiscovery };
    /** Demo nine days ago, no reply since. */
    ghosted: NamedDeal;
    /** Closed in the last eight days: won, won, lost, won (8 days ago, outside the week). */
    closed: readonly [string, string, string, string];
    /** Closed 20 and 35 days ago. */
    older: readonly [string, string];
  };
  customers: {
    /** Usage down 65 %, admin away a week, an open "too complicated" ticket. */
    declining: NamedCustomer;
    /** Failed payment yesterday, usage down 35 %. */
    failedPayment: NamedCustomer;
    /** Healthy but pays for three features it never used. */
    unusedFeatures: NamedCustomer;
  };
  /** Company-name parts for generated customers and prospects. */
  companyWords: { prefixes: readonly string[]; roots: readonly string[]; suffixes: readonly string[] };
  contactNames: { first: readonly string[]; last: readonly string[] };
  /**
   * Vendors. [0] is the office-supplies vendor whose bill gets entered twice, [1] the consultancy
   * whose bill arrives without a purchase order; Marketing-account vendors carry the spend jump.
   */
  vendors: readonly DemoVendor[];
  /** Card merchants (coded card spends). */
  merchants: readonly { name: string; account: string; min: number; max: number }[];
  /** The ad platform whose auto-charge settles the Marketing variance. */
  adsMerchant: string;
}

/** Generic company name #i from the profile's words, never one of the named scenario companies. */
export function generatedCompanyName(profile: DemoProfile, i: number): string {
  const { prefixes, roots, suffixes } = profile.companyWords;
  const p = prefixes[i % prefixes.length]!;
  const r = roots[Math.floor(i / prefixes.length) % roots.length]!;
  const s = suffixes[Math.floor(i / (prefixes.length * roots.length)) % suffixes.length]!;
  const round = Math.floor(i / (prefixes.length * roots.length * suffixes.length));
  return round === 0 ? `${p}${r} ${s}` : `${p}${r} ${s} ${round + 1}`;
}

export const northwindProfile: DemoProfile = {
  organisation: "Northwind Demo",
  currency: "USD",
  timeZone: "UTC",
  projectKey: "ENG",
  urls: {
    jira: "https://demo.atlassian.net",
    crm: "https://app.hubspot.com/contacts/demo",
    accounting: "https://go.xero.com",
  },
  bankAccount: "Operating Account (Chase ••1234)",
  bankName: "Chase Bank",
  sprint: { number: 24, goal: "Ship authentication and the payments integration" },
  engineers: ["Sarah Kim", "Maria Garcia", "David Okafor", "Tom Chen", "Lena Novak", "Raj Mehta"],
  lead: { ownerId: "owner-alex", ownerName: "Alex Rivera" },
  second: { ownerId: "owner-sam", ownerName: "Sam Patel" },
  csms: ["Priya Shah", "Jordan Lee"],
  deals: {
    hot: { company: "Acme Corp", product: "Platform rollout", contact: "Jamie Fox (VP Ops)" },
    silent: { company: "TechStart Inc", product: "Team plan", contact: "Priya Nair" },
    demo: {
      company: "Global Industries",
      product: "Enterprise",
      contact: "the buying committee",
      discovery: {
        useCase: "supply chain",
        stakeholders: [
          { name: "Dana Whitfield", title: "CIO" },
          { name: "Marcus Lee", title: "IT Director" },
          { name: "Elena Brooks", title: "Head of Security" },
        ],
        painPoints: [
          "They run 47 legacy systems with no unified login",
          "IT handles 200 password-reset tickets a month",
          "Their security audit found 12 orphaned admin accounts, a compliance risk",
        ],
        competitors: ["Okta", "Microsoft Entra", "Auth0"],
      },
    },
    ghosted: { company: "BetaCo", product: "Annual contract", contact: "their IT lead" },
    closed: ["Northwind Traders", "Keystone Dental Group", "Silverline Insurance", "Redwood Outfitters"],
    older: ["Harbor Freight Co", "Vivid Media Ltd"],
  },
  customers: {
    declining: {
      name: "BrightTech Inc",
      contact: "Morgan Blake",
      email: "morgan@brighttech.example",
      title: "Workspace admin",
    },
    failedPayment: {
      name: "DataFlow Corp",
      contact: "Chris Ortega",
      email: "chris@dataflow.example",
      title: "Head of Data",
    },
    unusedFeatures: {
      name: "QuickStart LLC",
      contact: "Sam Rivers",
      email: "sam@quickstart.example",
      title: "Founder",
    },
  },
  companyWords: {
    prefixes: [
      "Blue",
      "North",
      "Silver",
      "Bright",
      "Swift",
      "Green",
      "Iron",
      "Summit",
      "Clear",
      "Pioneer",
      "Nova",
      "Harbor",
      "Peak",
      "Solid",
      "Urban",
      "Vivid",
      "Crimson",
      "Golden",
      "Atlas",
      "Coastal",
      "Lumen",
      "Orbit",
      "Prime",
      "Quantum",
    ],
    roots: [
      "Logic",
      "Works",
      "Labs",
      "Systems",
      "Cloud",
      "Metrics",
      "Health",
      "Foods",
      "Freight",
      "Media",
      "Energy",
      "Retail",
      "Analytics",
      "Robotics",
      "Finance",
      "Studio",
    ],
    suffixes: ["Inc", "LLC", "Co", "Group", "Ltd"],
  },
  contactNames: {
    first: ["Alex", "Jamie", "Taylor", "Casey", "Riley", "Avery", "Quinn", "Drew", "Robin", "Kai"],
    last: ["Nguyen", "Smith", "Kowalski", "Haddad", "Okoro", "Larsen", "Silva", "Brown", "Ito", "Costa"],
  },
  vendors: [
    { id: "v-01", name: "Office Depot", account: "Office Supplies", min: 40, max: 900, item: "Office supplies" },
    { id: "v-02", name: "Acme Consulting", account: "Consulting", min: 2000, max: 9000, item: "Consulting services" },
    { id: "v-03", name: "Amazon Web Services", account: "Hosting", min: 900, max: 6000, item: "Cloud hosting" },
    { id: "v-04", name: "Google Ads", account: "Marketing", min: 500, max: 4000, item: "Search campaigns" },
    { id: "v-05", name: "LinkedIn Marketing", account: "Marketing", min: 400, max: 3000, item: "Sponsored content" },
    { id: "v-06", name: "Meta Ads", account: "Marketing", min: 300, max: 2500, item: "Social campaigns" },
    { id: "v-07", name: "Brightline Events", account: "Marketing", min: 800, max: 5000, item: "Event sponsorship" },
    { id: "v-08", name: "Atlassian", account: "Software", min: 200, max: 1500, item: "Jira and Confluence seats" },
    { id: "v-09", name: "Slack Technologies", account: "Software", min: 150, max: 1200, item: "Slack seats" },
    { id: "v-10", name: "Zoom Video", account: "Software", min: 100, max: 700, item: "Zoom licences" },
    { id: "v-11", name: "Figma", account: "Software", min: 90, max: 600, item: "Figma seats" },
    { id: "v-12", name: "Datadog", account: "Hosting", min: 400, max: 2500, item: "Monitoring" },
    { id: "v-13", name: "Cushman Properties", account: "Rent", min: 3000, max: 9000, item: "Office rent" },
    { id: "v-14", name: "City Power & Light", account: "Utilities", min: 150, max: 900, item: "Electricity" },
    { id: "v-15", name: "Comcast Business", account: "Utilities", min: 90, max: 400, item: "Internet" },
    { id: "v-16", name: "FedEx", account: "Shipping", min: 20, max: 500, item: "Shipping" },
    { id: "v-17", name: "Dell Technologies", account: "Equipment", min: 600, max: 4000, item: "Laptops" },
    { id: "v-18", name: "Delta Air Lines", account: "Travel", min: 200, max: 1800, item: "Flights" },
    { id: "v-19", name: "Marriott Hotels", account: "Travel", min: 150, max: 1200, item: "Hotel" },
    { id: "v-20", name: "Staples", account: "Office Supplies", min: 30, max: 600, item: "Stationery" },
    { id: "v-21", name: "Baker & Lowe LLP", account: "Legal", min: 800, max: 6000, item: "Legal services" },
    { id: "v-22", name: "Canva", account: "Marketing", min: 30, max: 300, item: "Design subscription" },
  ],
  merchants: [
    { name: "Uber", account: "Travel", min: 900, max: 6000 },
    { name: "Starbucks", account: "Meals", min: 400, max: 3000 },
    { name: "GitHub", account: "Software", min: 400, max: 2100 },
    { name: "Notion", account: "Software", min: 800, max: 1600 },
    { name: "DoorDash", account: "Meals", min: 1500, max: 9000 },
  ],
  adsMerchant: "Google Ads",
};
