/**
 * Every tool daybook offers, over whichever ports are configured (real or demo): read tools
 * the agent may call freely (LangChain `tool()` with zod schemas) and write actions that
 * only ever run after a person approves (src/core/actions.ts). The agent filters both by the
 * requester's domains, so least privilege is one `domain` field per entry.
 */
import type { StructuredToolInterface } from "@langchain/core/tools";
import type { AnyWriteAction } from "../src/core/actions.ts";
import type { Clock } from "../src/core/clock.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import { closeMonth, localToday } from "../src/core/period.ts";
import type { ToolDomain } from "../src/core/principal.ts";
import { accountingExportTools } from "./accounting/export-tools.ts";
import { accountingReadTools, accountingWriteActions } from "./accounting/tools.ts";
import { crmChangeSetAction } from "./crm/change-set.ts";
import { crmExportTools } from "./crm/export-tools.ts";
import { crmMeetingPrepTools } from "./crm/meeting-prep-tools.ts";
import type { PriceList } from "./crm/proposal.ts";
import { crmProposalTools } from "./crm/proposal-tools.ts";
import { crmRenewalTools } from "./crm/renewal-tools.ts";
import { crmReadTools, crmWriteActions } from "./crm/tools.ts";
import { jiraRhythmTools } from "./jira/rhythm-tools.ts";
import { jiraStoryAction } from "./jira/story.ts";
import { jiraReadTools, jiraWriteActions } from "./jira/tools.ts";
import { accountingChartTool, type ChartMaker, crmChartTool, jiraChartTool } from "./shared/chart-tools.ts";
import { EntityLabels, formatMoney } from "./shared/compact.ts";
import type { FileDrop } from "./shared/file-drop.ts";

export interface ToolCatalog {
  read: { domain: ToolDomain; tool: StructuredToolInterface }[];
  actions: AnyWriteAction[];
}

export interface ToolCatalogDeps {
  clock: Clock;
  /** IANA timezone of the organisation: which month "this month" and the close are. Default UTC. */
  timeZone?: string;
  /** Sprint: in progress without a status change for more than this many days is a blocker. Default 3. */
  staleDays?: number;
  /** CRM: no activity for at least this many days marks a deal silent. Default 5. */
  silentDays?: number;
  /** Learn demo record names up front for approval cards. Default true. */
  warmLabels?: boolean;
  /** Where export tools leave their CSV files for the reply; without it there are no export tools. */
  files?: FileDrop;
  /** Draws the charts chat asks for (chains/charts); with `files`, adds jira_chart, crm_chart and accounting_chart. */
  charts?: ChartMaker;
  /** The org config's sales section: the price list proposals use, the competitors meeting prep looks for. */
  sales?: { priceList?: PriceList | undefined; competitors?: readonly string[] | undefined };
}

/** Names of the write actions, as keyed in the approval policies (src/config/demo-org.ts). */
export const writeActionNames = [
  "jira_create_issue",
  "jira_add_comment",
  "jira_create_story",
  "crm_log_activity",
  "crm_update_deal_stage",
  "crm_log_call_changes",
  "accounting_approve_invoice",
  "accounting_reject_invoice",
  "accounting_code_bank_line",
] as const;

export function createToolCatalog(ports: Ports, deps: ToolCatalogDeps): ToolCatalog {
  // One label book per catalog: reads remember names so approval cards can show them.
  const labels = new EntityLabels();
  const jiraCtx = { clock: deps.clock, labels, ...(deps.staleDays !== undefined ? { staleDays: deps.staleDays } : {}) };
  const crmCtx = {
    clock: deps.clock,
    labels,
    timeZone: deps.timeZone ?? "UTC",
    ...(deps.silentDays !== undefined ? { silentDays: deps.silentDays } : {}),
  };
  const timeZone = deps.timeZone ?? "UTC";
  const accountingCtx = { clock: deps.clock, labels, timeZone };
  const read: ToolCatalog["read"] = [
    ...jiraReadTools(ports.jira, jiraCtx).map((tool) => ({ domain: "jira" as const, tool })),
    ...jiraRhythmTools(ports.jira, { ...jiraCtx, timeZone: deps.timeZone ?? "UTC" }).map((tool) => ({
      domain: "jira" as const,
      tool,
    })),
    ...crmReadTools(ports.crm, crmCtx).map((tool) => ({ domain: "crm" as const, tool })),
    ...crmRenewalTools(ports.crm, { clock: deps.clock, labels, timeZone }).map((tool) => ({
      domain: "crm" as const,
      tool,
    })),
    ...crmMeetingPrepTools(ports.crm, { ...crmCtx, timeZone, competitors: deps.sales?.competitors ?? [] }).map(
      (tool) => ({ domain: "crm" as const, tool }),
    ),
    ...accountingReadTools(ports.accounting, accountingCtx).map((tool) => ({ domain: "accounting" as const, tool })),
  ];
  if (deps.files) {
    const files = deps.files;
    read.push(
      ...crmExportTools(ports.crm, { ...crmCtx, files, timeZone }).map((tool) => ({ domain: "crm" as const, tool })),
      ...crmProposalTools(ports.crm, {
        ...crmCtx,
        files,
        timeZone,
        ...(deps.sales?.priceList ? { priceList: deps.sales.priceList } : {}),
      }).map((tool) => ({ domain: "crm" as const, tool })),
      ...accountingExportTools(ports.accounting, { ...accountingCtx, files }).map((tool) => ({
        domain: "accounting" as const,
        tool,
      })),
    );
    if (deps.charts) {
      read.push(
        { domain: "jira", tool: jiraChartTool(deps.charts, files) },
        { domain: "crm", tool: crmChartTool(deps.charts, files) },
        { domain: "accounting", tool: accountingChartTool(deps.charts, files) },
      );
    }
  }
  const actions: AnyWriteAction[] = [
    ...jiraWriteActions(ports.jira, jiraCtx),
    jiraStoryAction(ports.jira, jiraCtx),
    ...crmWriteActions(ports.crm, crmCtx),
    crmChangeSetAction(ports.crm, { ...crmCtx, timeZone }),
    ...accountingWriteActions(ports.accounting, accountingCtx),
  ];
  if (deps.warmLabels ?? true) void warmDemoLabels(ports, labels, deps.clock, timeZone);
  return { read, actions };
}

/**
 * Approval cards are built synchronously from stored arguments, and digests request
 * approvals without calling a read tool first; so for demo systems (local data, no network)
 * the catalog learns the approvable records' names up front: bills awaiting approval, open
 * deals and customers. Real systems fill the labels as read tools run.
 */
async function warmDemoLabels(ports: Ports, labels: EntityLabels, clock: Clock, timeZone: string): Promise<void> {
  try {
    if (ports.sources.accounting === "demo") {
      // The close digest offers Approve on the month being closed, which early in a month is the last one.
      const now = clock.now();
      const months = new Set([localToday(now, timeZone).slice(0, 7), closeMonth(now, timeZone)]);
      for (const [month, status] of [...months].flatMap((m) => [[m, "SUBMITTED"] as const, [m, "DRAFT"] as const])) {
        for (const inv of await ports.accounting.listInvoices({ month, status })) {
          const label = `#${inv.number} ${inv.contact.name} ${formatMoney(inv.total, inv.currency)}`;
          labels.remember("invoice", inv.id, label);
          labels.remember("invoice", inv.number, label);
        }
      }
    }
    if (ports.sources.crm === "demo") {
      for (const d of await ports.crm.listOpenDeals()) {
        labels.remember("deal", d.id, d.name);
        labels.remember("company", d.company.id, d.company.name);
      }
      for (const c of (await ports.crm.listCustomers()).slice(0, 2000)) labels.remember("company", c.id, c.name);
    }
  } catch {
    // Labels are a nicety on approval cards; a card without them still shows the ids.
  }
}
