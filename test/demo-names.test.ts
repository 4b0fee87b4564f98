/**
 * The demo organisation's names stay in the demo: tool descriptions, prompts, help text,
 * suggested prompts, manifests, code comments and docs that present examples as universal
 * must not name its companies, people, invoices or issues, or every organisation would be
 * shown them (and the offline model would route by them). The names are read from the demo
 * itself, so a renamed demo company is still caught.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { demoOrg } from "../src/config/demo-org.ts";
import { generateDemoOrg, northwindProfile, scenario } from "../tools/demo/generate.ts";
import { demoNow } from "./agent-fixtures.ts";

const root = join(import.meta.dirname, "..");

/** Where demo names belong, each with the reason. Paths are relative to the repository root. */
const allowed: { path: string; why: string }[] = [
  { path: "tools/demo/", why: "the demo organisation itself" },
  { path: "test/", why: "tests assert the demo's situations by name" },
  { path: "docs/demo-organisation.md", why: "the page that describes the demo" },
  { path: "bench/", why: "benchmarks run on the demo at scale" },
  {
    path: "src/config/demo-org.ts",
    why: "the demo's own people, roles and channels (used only without DAYBOOK_CONFIG)",
  },
  { path: "package-lock.json", why: "dependency metadata, not ours" },
  { path: "node_modules/", why: "dependencies" },
  { path: ".git/", why: "history" },
  { path: "coverage/", why: "generated" },
  { path: "dist/", why: "generated" },
];
/** Tests beside the code they test are tests too. */
const isTest = (path: string) => /\.test\.ts$/.test(path);

const legalSuffix = /\s+(Inc|Corp|LLC|Ltd|Co|Group|GmbH|PLC)\.?$/;

/** Every form people would write: "BrightTech Inc" and "BrightTech"; "Maria Garcia" and "Maria". */
function demoNames(): string[] {
  const p = northwindProfile;
  const org = generateDemoOrg({ now: Date.parse(demoNow) });
  const people = [
    ...p.engineers,
    p.lead.ownerName,
    p.second.ownerName,
    ...p.csms,
    ...demoOrg.users.map((u) => u.name),
    ...Object.values(p.customers).map((c) => c.contact),
    ...Object.values(p.deals)
      .filter(
        (d): d is { company: string; product: string; contact: string } => typeof d === "object" && "contact" in d,
      )
      .map((d) => d.contact.replace(/\s*\(.*\)$/, ""))
      .filter((name) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(name)),
  ];
  const companies = [
    ...[p.deals.hot, p.deals.silent, p.deals.demo, p.deals.ghosted].map((d) => d.company),
    ...p.deals.closed,
    ...p.deals.older,
    ...Object.values(p.customers).map((c) => c.name),
    // The vendors of the named close exceptions (the duplicate bill, the bill without a PO);
    // the other vendors are real companies anybody may mention.
    ...[scenario.invoices.noPo, scenario.invoices.duplicate].map(
      (n) => org.accounting.invoices.find((i) => i.number === n)?.contact.name ?? "",
    ),
  ];
  const configPeople = demoOrg.users.map((u) => u.name.split(" ")[0] as string);
  return [
    ...new Set([
      p.organisation,
      p.organisation.split(" ")[0] as string,
      ...people,
      ...configPeople,
      ...companies,
      ...companies.map((c) => c.replace(legalSuffix, "")),
      scenario.sprint.name,
      ...Object.values(scenario.invoices),
    ]),
  ].filter((n) => n.length >= 3);
}

function matcher(names: string[], projectKey: string): RegExp {
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).sort((a, b) => b.length - a.length);
  // The demo's Jira project key with any number: "ENG-145" is the demo's issue, not an example.
  return new RegExp(`(?<![A-Za-z0-9])(${escaped.join("|")}|${projectKey}-\\d+)(?![A-Za-z0-9])`, "g");
}

function scannedFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    const rel = relative(root, full).split("\\").join("/");
    const isDir = statSync(full).isDirectory();
    const path = isDir ? `${rel}/` : rel;
    if (allowed.some((a) => path === a.path || path.startsWith(a.path))) continue;
    if (isDir) scannedFiles(full, out);
    else if (!isTest(rel) && !/\.(png|jpe?g|gif|ico|zip)$/i.test(rel)) out.push(rel);
  }
  return out;
}

function findings(text: string, re: RegExp): { line: number; name: string }[] {
  return text.split("\n").flatMap((line, i) => [...line.matchAll(re)].map((m) => ({ line: i + 1, name: m[0] })));
}

describe("demo names outside the demo", () => {
  const names = demoNames();
  const re = matcher(names, northwindProfile.projectKey);

  it("reads the demo's names from the demo itself (companies, people, invoices, its project key)", () => {
    expect(names).toEqual(expect.arrayContaining(["BrightTech", "Acme Consulting", "Maria Garcia", "Maria", "4729"]));
    expect(names.length).toBeGreaterThan(30);
  });

  it("would name the file and line of a demo name (the scan can fail)", () => {
    const planted =
      'const hint = "Examples: why is <customer> at risk?";\n// e.g. "why is BrightTech at risk?" or ENG-145';
    expect(findings(planted, re)).toEqual([
      { line: 2, name: "BrightTech" },
      { line: 2, name: "ENG-145" },
    ]);
    expect(findings("Acme Consulting sent invoice 4729 to Northwind Demo", re).map((f) => f.name)).toEqual([
      "Acme Consulting",
      "4729",
      "Northwind Demo",
    ]);
    expect(findings("BrightTechnology, PROJ-123, 14729, engine-145", re)).toEqual([]);
  });

  it("finds none in code, prompts, manifests or docs outside the demo and the tests", () => {
    const files = scannedFiles(root);
    expect(files).toEqual(expect.arrayContaining(["tools/crm/tools.ts", "manifest/slack/manifest.yaml", "README.md"]));
    const hits = files.flatMap((file) =>
      findings(readFileSync(join(root, file), "utf8"), re).map((f) => `${file}:${f.line}: ${f.name}`),
    );
    expect(hits).toEqual([]);
  });
});
