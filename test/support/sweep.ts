/**
 * The calendar sweep's world: the composed app (src/main.ts compose) on an injected clock, for
 * the demo or another organisation, asked what a user asks and made to build every digest.
 */
import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { parse as parseYaml } from "yaml";
import { demoOrg } from "../../src/config/demo-org.ts";
import { loadConfig } from "../../src/config/load.ts";
import { type OrgConfig, orgSchema } from "../../src/config/org.ts";
import { type Card, cardToText } from "../../src/core/card.ts";
import type { MessageRef, Responder } from "../../src/core/chat.ts";
import { fixedClock } from "../../src/core/clock.ts";
import { silentLogger } from "../../src/core/logger.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import { type App, compose } from "../../src/main.ts";
import { MemoryStore } from "../../src/store/memory-store.ts";
import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import { type DemoProfile, northwindProfile } from "../../tools/demo/profile.ts";
import { secondOrgProfile } from "../fixtures/second-org/profile.ts";

export interface SweepOrg {
  label: string;
  org: OrgConfig;
  profile: DemoProfile;
  /** The console user who asks (every role). */
  asker: string;
}

export function secondOrgConfig(): OrgConfig {
  const text = readFileSync(new URL("../fixtures/second-org/org.yaml", import.meta.url), "utf8");
  return orgSchema.parse(parseYaml(text));
}

export const sweepOrgs: SweepOrg[] = [
  { label: "demo (UTC)", org: demoOrg, profile: northwindProfile, asker: "alex" },
  {
    label: "demo (America/New_York)",
    org: { ...demoOrg, timezone: "America/New_York" },
    profile: { ...northwindProfile, timeZone: "America/New_York" },
    asker: "alex",
  },
  { label: "Kestrel Robotics (Europe/Berlin)", org: secondOrgConfig(), profile: secondOrgProfile, asker: "clara" },
];

export interface SweepWorld {
  app: App;
  ask(text: string): Promise<string>;
  close(): Promise<void>;
}

export async function sweepWorld(o: SweepOrg, now: number): Promise<SweepWorld> {
  const clock = fixedClock(now);
  const output = new PassThrough();
  output.resume();
  const ports = createDemoPorts({ clock, profile: o.profile });
  const app = await compose(
    { env: loadConfig({}).env, org: o.org, orgSource: "test" },
    { store: new MemoryStore({ clock }), clock, logger: silentLogger, output, ports },
  );
  let n = 0;
  return {
    app,
    async ask(text) {
      const thread: ThreadRef = { platform: "console", workspace: "local", channel: "sweep", thread: `t${++n}` };
      const cards: Card[] = [];
      const responder: Responder = {
        reply: async (card): Promise<MessageRef> => {
          cards.push(card);
          return { thread, messageId: `m${cards.length}` };
        },
      };
      await app.bot.handle(
        { thread, user: { platform: "console", id: o.asker }, text, receivedAt: clock.now() },
        responder,
      );
      return cards.map(cardToText).join("\n---\n");
    },
    close: () => app.close(),
  };
}

/** What a reply that failed looks like: an error, a stack, raw codes, a refusal to read the books. */
const failedWords =
  /something went wrong|\berror\b|not found|could not|couldn't|no books|no figures|no p&l|code:|\bstack\b|node_modules|\.ts:\d+/i;
/** Leaked values, matched by case: "finance" holds "nan", "NaN" is a bug. */
const leakedValues = /\bundefined\b|\bNaN\b|Invalid Date|\[object \w+\]/;

/** The first sign of a failed reply in `text`, with a little context, or undefined when it reads fine. */
export function replyFailure(text: string): string | undefined {
  const m = failedWords.exec(text) ?? leakedValues.exec(text);
  return m ? `"${m[0]}" in …${text.slice(Math.max(0, m.index - 80), m.index + 80)}…` : undefined;
}

export function monthName(month: string): string {
  return new Date(`${month}-01T00:00:00Z`).toLocaleDateString("en-US", { month: "long", timeZone: "UTC" });
}
