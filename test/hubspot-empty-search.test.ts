import { afterEach, describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createHubSpotPort } from "../tools/crm/hubspot.ts";
import { caught } from "./support/errors.ts";
import { startFakeServer } from "./support/http.ts";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function hubspotAnswering(body: unknown) {
  const fake = await startFakeServer((req) =>
    req.path.endsWith("/search") ? { body } : { status: 404, body: { message: "not here" } },
  );
  close = () => fake.close();
  return createHubSpotPort(
    { accessToken: "pat-test-token", baseUrl: fake.url },
    {
      store: new MemoryStore(),
      clock: fixedClock("2026-11-23T09:00:00Z"),
      logger: silentLogger,
      policy: { baseDelayMs: 1, maxDelayMs: 2 },
      sleep: async () => {},
    },
  );
}

describe("a HubSpot search answered without a body", () => {
  for (const [what, body] of [
    ["a null body", "null"],
    ["an object without results", { total: 3 }],
  ] as const) {
    it(`is an upstream error with a readable sentence, not a TypeError, for ${what}`, async () => {
      const port = await hubspotAnswering(body);
      const error = await caught(port.listOpenDeals());
      expect(error.code).toBe("upstream_error");
      expect(error.userMessage).toBe("HubSpot answered a search without its results; please try again in a minute.");
    });
  }
});
