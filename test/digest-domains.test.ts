import { describe, expect, it } from "vitest";
import { createDigests } from "../chains/digests/registry.ts";
import { digestDomains } from "../src/config/org.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import type { ToolDomain } from "../src/core/principal.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";

/** The demo systems, recording which of them a digest reads. */
function recordingPorts(read: Set<ToolDomain>): Ports {
  const ports = createDemoPorts({ clock: fixedClock("2026-11-30T18:00:00Z") });
  const watch = <T extends object>(domain: ToolDomain, port: T): T =>
    new Proxy(port, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          read.add(domain);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return {
    ...ports,
    jira: watch("jira", ports.jira),
    crm: watch("crm", ports.crm),
    accounting: watch("accounting", ports.accounting),
  };
}

describe("the domains each digest is posted under", () => {
  // The audience policy lets a digest into a channel by digestDomains; a digest that read a
  // system not listed there would show its data where nobody checked that it may be seen.
  for (const name of Object.keys(digestDomains) as (keyof typeof digestDomains)[]) {
    it(`lists every system the ${name} digest reads`, async () => {
      const read = new Set<ToolDomain>();
      const digests = createDigests({
        ports: recordingPorts(read),
        clock: fixedClock("2026-11-30T18:00:00Z"),
        store: new MemoryStore(),
      });
      await digests[name].run({ preview: true });
      expect([...read].sort()).toEqual([...digestDomains[name]].sort());
    });
  }
});
