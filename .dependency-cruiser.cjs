/**
 * Import rules from ARCHITECTURE.md ("Layout and who may import whom"), enforced by
 * `npm run deps` (part of `npm run check`) and by test/architecture.test.ts.
 */
// Co-located tests (*.test.ts) may import anything, like test/: they never ship, and a real
// MemoryStore beats a hand-rolled fake. Circular imports are still refused everywhere.
const testFile = "\\.test\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Circular imports make load order fragile; cut the cycle with an interface in src/core.",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-imports-nothing",
      severity: "error",
      comment: "src/core is the bottom layer: it imports nothing else in the repo.",
      from: { path: "^src/core/", pathNot: testFile },
      to: { path: "^(src/(?!core/)|adapters/|chains/|tools/|prompts/|test/|bench/)" },
    },
    {
      name: "adapters-import-only-core",
      severity: "error",
      comment: "adapters/ import src/core only (never tools/, chains/, other src/ layers).",
      from: { path: "^adapters/", pathNot: testFile },
      to: { path: "^(src/(?!core/)|chains/|tools/|prompts/)" },
    },
    {
      name: "adapters-do-not-import-each-other",
      severity: "error",
      comment: "One adapter never reaches into another; share through src/core.",
      from: { path: "^adapters/([^/]+)/" },
      to: { path: "^adapters/", pathNot: "^adapters/$1/" },
    },
    {
      name: "tools-import-only-core",
      severity: "error",
      comment: "tools/ import src/core only (never adapters/, chains/, other src/ layers).",
      from: { path: "^tools/", pathNot: testFile },
      to: { path: "^(src/(?!core/)|adapters/|chains/|prompts/)" },
    },
    {
      name: "chains-import-core-tools-prompts",
      severity: "error",
      comment: "chains/ import src/core, tools/ and prompts/ only.",
      from: { path: "^chains/", pathNot: testFile },
      to: { path: "^(src/(?!core/)|adapters/)" },
    },
    {
      name: "prompts-are-data",
      severity: "error",
      comment: "prompts/ are pure data.",
      from: { path: "^prompts/" },
      to: { path: "^(src/|adapters/|chains/|tools/)" },
    },
    {
      name: "only-main-composes",
      severity: "error",
      comment:
        "Only the composition root (src/main.ts and src/compose/) imports adapters/, chains/ and tools/; other src/ layers get them injected.",
      from: { path: "^src/", pathNot: `^src/(main\\.ts$|compose/)|${testFile}` },
      to: { path: "^(adapters/|chains/|tools/)" },
    },
    {
      name: "no-test-code-in-product",
      severity: "error",
      from: { pathNot: "^(test|bench)/|\\.test\\.ts$" },
      to: { path: "^(test|bench)/|\\.test\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
