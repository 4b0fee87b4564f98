import { readdirSync, readFileSync } from "node:fs";
import { dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * `npm test` must pass on a fresh clone with nothing beside the repository (CI proves it from
 * `git archive HEAD`); this test catches the cause early, in any tree: a path that leads out of
 * the repository. Paths are resolved the way Node would resolve them: import specifiers and
 * `new URL(path, import.meta.url)` from the file's folder, any other relative string from the
 * working directory, which is the repository root under npm scripts.
 */

const root = fileURLToPath(new URL("..", import.meta.url));
/** This file's own cases spell outside paths on purpose; only its absolute paths are checked. */
const thisFile = "test/self-contained.test.ts";
const scannedFolders = ["src", "adapters", "chains", "tools", "prompts", "bench", "manifest", "test"];
/** Vendor data, not code: its example values are the vendor's, and nothing resolves them. */
const skippedFolders = ["test/specs"];
const codeExtensions = new Set([".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"]);
const textExtensions = new Set([...codeExtensions, ".json", ".yaml", ".yml", ".md", ".sh", ".txt"]);

/** Strings that look like relative paths but are not used as paths; each says why. */
const notPaths = [
  {
    file: "test/approvals-service.test.ts",
    text: "../../x",
    why: "an approval id: decide() treats traversal ids as unknown",
  },
];

// Absolute paths into a workspace or a home folder exist on one machine only. Lookbehind keeps
// URLs ("https://host/home/…") out.
const absolutePath = /(?<![\w.:/~-])\/(?:work|home|Users)(?:\/[\w.-]+)+/g;

interface OutsideReference {
  file: string;
  line: number;
  text: string;
  resolved: string;
  from: "file" | "cwd" | "absolute";
}

function isInside(path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function callee(node: ts.CallExpression, source: ts.SourceFile): string {
  return node.expression.kind === ts.SyntaxKind.ImportKeyword ? "import" : node.expression.getText(source);
}

const fileRelativeCalls = new Set([
  "import",
  "require",
  "require.resolve",
  "import.meta.resolve",
  "vi.mock",
  "vi.doMock",
  "vi.unmock",
  "vi.importActual",
  "vi.importMock",
]);

const fileFolders = new Set(["import.meta.dirname", "__dirname"]);

/** Literals whose relative path Node resolves from the file's own folder. */
function fileRelativeLiterals(source: ts.SourceFile): Set<ts.Node> {
  const found = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      found.add(node.moduleSpecifier);
    } else if (ts.isCallExpression(node) && fileRelativeCalls.has(callee(node, source)) && node.arguments[0]) {
      found.add(node.arguments[0]);
    } else if (
      ts.isCallExpression(node) &&
      /(^|\.)(resolve|join)$/.test(callee(node, source)) &&
      fileFolders.has(node.arguments[0]?.getText(source) ?? "")
    ) {
      // resolve(import.meta.dirname, "..", …): every later segment starts from the file's folder.
      for (const segment of node.arguments.slice(1)) found.add(segment);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      found.add(node.argument.literal);
    } else if (
      ts.isNewExpression(node) &&
      node.expression.getText(source) === "URL" &&
      node.arguments?.[1]?.getText(source) === "import.meta.url"
    ) {
      found.add(node.arguments[0]!);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The path a literal spells (for a template, the part before the first `${}`). */
function literalPath(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text;
  return undefined;
}

/** Every reference in one file's text to a path outside the repository root. */
function outsideReferences(file: string, text: string): OutsideReference[] {
  const found: OutsideReference[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split("\n").length;
  for (const match of text.matchAll(absolutePath)) {
    found.push({ file, line: lineOf(match.index), text: match[0], resolved: match[0], from: "absolute" });
  }
  if (!codeExtensions.has(extname(file))) return found;

  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const fromFile = fileRelativeLiterals(source);
  const visit = (node: ts.Node): void => {
    const path = literalPath(node);
    if (path !== undefined && (path === "." || path === ".." || path.startsWith("./") || path.startsWith("../"))) {
      const from = fromFile.has(node) ? "file" : "cwd";
      const base = from === "file" ? dirname(join(root, file)) : root;
      const resolved = resolve(base, path);
      const allowed = notPaths.some((entry) => entry.file === file && entry.text === path);
      if (!isInside(resolved) && !allowed) {
        found.push({ file, line: lineOf(node.getStart(source)), text: path, resolved, from });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function filesUnder(folder: string): string[] {
  const entries = readdirSync(join(root, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && textExtensions.has(extname(entry.name)))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .filter((file) => !file.split("/").includes("node_modules"))
    .filter((file) => !skippedFolders.some((skipped) => file.startsWith(`${skipped}/`)));
}

function describeReference(ref: OutsideReference): string {
  const how = {
    file: "from the file's folder",
    cwd: "from the working directory (the repository root under npm scripts)",
    absolute: "as an absolute path",
  }[ref.from];
  return `${ref.file}:${ref.line} "${ref.text}" resolves ${how} to ${ref.resolved}`;
}

const hint =
  "Tests must pass on a fresh clone with nothing beside the repository. Vendor what the file needs " +
  "(specs and schemas go under test/specs/, with source and licence in its README) and read it with " +
  "new URL(relativePath, import.meta.url). A string that is not a path goes in notPaths with a reason.";

describe("the repository is self-contained", () => {
  const files = scannedFolders.flatMap(filesUnder);

  it("scans every source and test folder", () => {
    expect(files).toContain(thisFile);
    expect(files).toContain("src/main.ts");
    expect(files.length).toBeGreaterThan(100);
  });

  it("has no reference to a path outside the repository in code, tests, prompts, bench or manifests", () => {
    const references = files
      .flatMap((file) => outsideReferences(file, readFileSync(join(root, file), "utf8")))
      .filter((ref) => ref.file !== thisFile || ref.from === "absolute");
    expect(references.map(describeReference), hint).toEqual([]);
  });

  it("lists as not-a-path only strings that are still in their file", () => {
    for (const entry of notPaths) {
      expect(readFileSync(join(root, entry.file), "utf8"), `${entry.file} no longer has ${entry.text}`).toContain(
        `"${entry.text}"`,
      );
    }
  });
});

describe("outsideReferences", () => {
  const sibling = resolve(root, "../shared/specs");

  it("flags a schema read from a sibling folder through import.meta.url", () => {
    const text = 'readFileSync(new URL("../../../shared/specs/card.json", import.meta.url), "utf8");';
    expect(outsideReferences("test/support/cards.ts", text)).toEqual([
      {
        file: "test/support/cards.ts",
        line: 1,
        text: "../../../shared/specs/card.json",
        resolved: `${sibling}/card.json`,
        from: "file",
      },
    ]);
  });

  it("flags a spec path that the working directory resolves outside the repository", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text to scan, not a template of ours.
    const text = 'const specs = "../shared/specs/hubspot";\nstartPrism({ spec: `${specs}/objects.json` });';
    expect(outsideReferences("test/hubspot-contract.test.ts", text)).toMatchObject([
      { line: 1, text: "../shared/specs/hubspot", resolved: `${sibling}/hubspot`, from: "cwd" },
    ]);
  });

  it("flags a template path whose fixed part already leaves the repository", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text to scan, not a template of ours.
    const text = "const spec = `../shared/specs/${name}.json`;";
    expect(outsideReferences("test/x.test.ts", text)).toMatchObject([{ text: "../shared/specs/", from: "cwd" }]);
  });

  it("flags an absolute workspace path, in a comment too", () => {
    // Spelled in pieces so this file does not flag itself.
    const path = ["", "work", "shared", "specs"].join("/");
    expect(outsideReferences("tools/x.ts", `// copied from ${path}\nconst p = "${path}";`)).toMatchObject([
      { line: 1, text: path, from: "absolute" },
      { line: 2, text: path, from: "absolute" },
    ]);
  });

  it("flags an import that climbs out of the repository", () => {
    const text = 'import { x } from "../../../other-repo/x.ts";';
    expect(outsideReferences("tools/jira/x.ts", text)).toMatchObject([{ from: "file" }]);
  });

  it("accepts imports and URLs that stay inside the repository", () => {
    const text = [
      'import { retry } from "../shared/resilience.ts";',
      'const spec = new URL("../specs/jira/software.v3.json", import.meta.url);',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text to scan, not a template of ours.
      "const dir = new URL(`../specs/${name}`, import.meta.url);",
      'const root = new URL("../..", import.meta.url);',
      'const repo = resolve(import.meta.dirname, "../..");',
      'const manifest = "./manifest/slack/manifest.yaml";',
      'const url = "https://example.com/home/work/";',
      "const fixture = 'import { a } from \"../../chains/agent.ts\";';",
    ].join("\n");
    expect(outsideReferences("test/support/x.ts", text)).toEqual([]);
    expect(outsideReferences("tools/jira/x.ts", text.split("\n")[0]!)).toEqual([]);
  });
});
