import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const depcruise = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");

function cruise(cwd: string, dirs: string[]) {
  const result = spawnSync(process.execPath, [depcruise, "--config", ".dependency-cruiser.cjs", ...dirs], {
    cwd,
    encoding: "utf8",
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A throwaway repo with the real rules and the given files, to prove a rule actually bites. */
function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "daybook-arch-"));
  cpSync(join(root, ".dependency-cruiser.cjs"), join(dir, ".dependency-cruiser.cjs"));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, noEmit: true, module: "NodeNext" } }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  fixtures.push(dir);
  return dir;
}
const fixtures: string[] = [];
afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

describe("import boundaries (ARCHITECTURE.md)", () => {
  it("holds for the whole repository", () => {
    const { code, output } = cruise(root, ["src", "adapters", "chains", "tools", "prompts", "test"]);
    expect(output).toMatch(/no dependency violations found/);
    expect(code).toBe(0);
  });

  it("fails when an adapter imports a tool", () => {
    const dir = fixture({
      "tools/jira/port.ts": "export const jira = 1;\n",
      "adapters/slack/app.ts": 'import { jira } from "../../tools/jira/port.ts";\nexport const x = jira;\n',
    });
    const { code, output } = cruise(dir, ["adapters", "tools"]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/adapters-import-only-core/);
  });

  it("fails when src/core imports another layer", () => {
    const dir = fixture({
      "src/store/memory.ts": "export const m = 1;\n",
      "src/core/store.ts": 'import { m } from "../store/memory.ts";\nexport const s = m;\n',
    });
    const { code, output } = cruise(dir, ["src"]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/core-imports-nothing/);
  });

  it("fails when a non-root src module reaches into chains", () => {
    const dir = fixture({
      "chains/agent.ts": "export const a = 1;\n",
      "src/bot/bot.ts": 'import { a } from "../../chains/agent.ts";\nexport const b = a;\n',
    });
    const { code, output } = cruise(dir, ["src", "chains"]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/only-main-composes/);
  });

  it("fails on a circular import", () => {
    const dir = fixture({
      "src/bot/a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n',
      "src/bot/b.ts": 'import { a } from "./a.ts";\nexport const b = () => a;\n',
    });
    const { code, output } = cruise(dir, ["src"]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/no-circular/);
  });
});
