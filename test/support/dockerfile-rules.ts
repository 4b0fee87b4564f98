/**
 * Dockerfile checks in the spirit of hadolint (https://github.com/hadolint/hadolint#rules),
 * on the dockerfile-ast parse (the parser behind VS Code's Dockerfile support), for CI where
 * neither hadolint nor a container runtime is installed. Each rule names the hadolint rule it
 * follows where there is one.
 */
import { DockerfileParser } from "dockerfile-ast";

export interface Stage {
  image: string;
  name: string | undefined;
  user: string | undefined;
  /** CMD as an argv when in exec (JSON) form, else undefined. */
  cmd: string[] | undefined;
  cmdShellForm: boolean;
  /** HEALTHCHECK CMD argv (exec form) or its shell text as one element. */
  healthcheck: string[] | undefined;
  copies: string[];
}

export interface ParsedDockerfile {
  froms: { image: string; name: string | undefined }[];
  stages: Stage[];
  runs: { text: string }[];
  workdirs: string[];
  adds: string[];
  copies: string[];
}

export interface Finding {
  rule: string;
  message: string;
}

interface JsonInstructionLike {
  getJSONStrings?: () => { getJSONValue(): string }[];
}

function jsonArgv(instruction: unknown): string[] | undefined {
  const strings = (instruction as JsonInstructionLike).getJSONStrings?.() ?? [];
  return strings.length > 0 ? strings.map((s) => s.getJSONValue()) : undefined;
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const file = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  const parsed: ParsedDockerfile = { froms: [], stages, runs: [], workdirs: [], adds: [], copies: [] };
  for (const instruction of file.getInstructions()) {
    const keyword = instruction.getKeyword();
    const content = instruction.getArgumentsContent() ?? "";
    const stage = stages.at(-1);
    switch (keyword) {
      case "FROM": {
        // Expanded: `FROM ${NODE_IMAGE} AS deps` with the ARG's default substituted.
        const [image = "", as, name] = instruction.getExpandedArguments().map((a) => a.getValue());
        const entry = { image, name: as?.toUpperCase() === "AS" ? name : undefined };
        parsed.froms.push(entry);
        stages.push({
          ...entry,
          user: undefined,
          cmd: undefined,
          cmdShellForm: false,
          healthcheck: undefined,
          copies: [],
        });
        break;
      }
      case "USER":
        if (stage) stage.user = content.trim();
        break;
      case "CMD":
        if (stage) {
          stage.cmd = jsonArgv(instruction);
          stage.cmdShellForm = stage.cmd === undefined;
        }
        break;
      case "HEALTHCHECK":
        if (stage) {
          const text = content.replace(/--\S+\s+/g, "").trim();
          const exec = /^CMD\s+(\[.*\])$/s.exec(text);
          stage.healthcheck = exec?.[1] ? (JSON.parse(exec[1]) as string[]) : text ? [text] : undefined;
        }
        break;
      case "RUN":
        parsed.runs.push({ text: content.replace(/\\\n/g, " ").replace(/\s+/g, " ") });
        break;
      case "WORKDIR":
        parsed.workdirs.push(content.trim());
        break;
      case "ADD":
        parsed.adds.push(content.trim());
        break;
      case "COPY":
        parsed.copies.push(`COPY ${content.trim()}`);
        stage?.copies.push(`COPY ${content.trim()}`);
        break;
    }
  }
  return parsed;
}

export function finalStage(file: ParsedDockerfile): Stage {
  const last = file.stages.at(-1);
  if (!last) throw new Error("the Dockerfile has no FROM");
  return last;
}

export function dockerfileFindings(file: ParsedDockerfile): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: string, message: string) => findings.push({ rule, message });
  const stageNames = new Set(file.froms.map((f) => f.name).filter(Boolean));
  for (const { image } of file.froms) {
    if (stageNames.has(image)) continue;
    // DL3006 / DL3007: a base image names a version, never latest.
    const tag = /:([^@]+)$/.exec(image)?.[1];
    if (!tag || tag === "latest" || !/\d+\.\d+\.\d+/.test(tag)) {
      add("pinned-base", `FROM ${image}: pin a full release tag (node:24.x.y-...), not latest or a bare major`);
    }
  }
  if (file.froms.length < 2)
    add("multi-stage", "build dependencies in one stage and copy them into a clean runtime stage");
  for (const dir of file.workdirs) {
    // DL3000
    if (!dir.startsWith("/")) add("absolute-workdir", `WORKDIR ${dir}: use an absolute path`);
  }
  for (const run of file.runs) {
    // DL3003
    if (/(^|&&|;)\s*cd\s/.test(run.text)) add("no-cd-in-run", `RUN ${run.text}: use WORKDIR instead of cd`);
    // npm install resolves ranges afresh; npm ci installs the lockfile or fails (DL3016 in spirit).
    if (/\bnpm\s+(install|i)\b/.test(run.text)) add("npm-ci-from-lockfile", `RUN ${run.text}: use npm ci --omit=dev`);
    if (/\bnpm\s+ci\b/.test(run.text) && !/--omit=dev|--production/.test(run.text)) {
      add("npm-ci-from-lockfile", `RUN ${run.text}: install production dependencies only (--omit=dev)`);
    }
    // DL3004
    if (/\bsudo\b/.test(run.text)) add("no-sudo", `RUN ${run.text}: sudo has no place in a build`);
    // DL3009 / DL3015
    if (/apt-get install/.test(run.text) && !/--no-install-recommends/.test(run.text)) {
      add("apt-no-recommends", `RUN ${run.text}: add --no-install-recommends`);
    }
  }
  // DL3020
  for (const source of file.adds) add("copy-not-add", `ADD ${source}: use COPY for files and folders`);
  const last = file.stages.at(-1);
  if (!last) return findings;
  // DL3002: the last USER of the image must not be root.
  if (!last.user || /^(root|0)(:|$)/.test(last.user))
    add("non-root-user", "the final stage must switch to a non-root USER");
  if (!last.healthcheck) add("healthcheck", "the final stage needs a HEALTHCHECK");
  // DL3025: exec form, so the process gets signals directly instead of through /bin/sh -c.
  if (!last.cmd) add("exec-form-cmd", "CMD must be in exec (JSON) form");
  if (last.cmd && (last.cmd[0] !== "node" || !last.cmd.includes("src/main.ts"))) {
    add(
      "node-runs-main",
      `CMD ${JSON.stringify(last.cmd)}: run node src/main.ts directly (npm does not forward signals)`,
    );
  } else if (last.cmdShellForm) {
    add("node-runs-main", "CMD must start node src/main.ts itself, not through a shell or npm");
  }
  return findings;
}
