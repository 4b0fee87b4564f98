import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_KEY, AuditLog } from "../src/approvals/audit.ts";
import { RedisStore } from "../src/store/redis-store.ts";
import { runMain } from "./support/process.ts";
import { redisSkipReason, redisUrl } from "./support/redis.ts";

/*
 * `npm run audit` reads the audit log under the production key prefix, so the test writes its
 * entries into a Redis database of its own: the suites that share database 0 never see them.
 */
const auditDatabase = 13;

describe.skipIf(redisSkipReason)("npm run audit as a process", () => {
  let url: string;
  let store: RedisStore;
  const approvalId = `audit-exit-${randomUUID()}`;

  beforeAll(async () => {
    const parsed = new URL(redisUrl!);
    parsed.pathname = `/${auditDatabase}`;
    url = parsed.href;
    store = await RedisStore.connect({ url });
    const log = new AuditLog(store);
    const base = { approvalId, tool: "accounting_approve_invoice", argsHash: "sha256:0123abcd" };
    await log.append({ ...base, actor: { id: "alex", name: "Alex Rivera" }, event: "requested" });
    await log.append({ ...base, actor: { id: "fiona", name: "Fiona Walsh" }, event: "approved" });
  });

  afterAll(async () => {
    await store?.delete(AUDIT_KEY);
    await store?.close();
  });

  it("prints two entries and exits 0, not with the number of entries", async () => {
    const result = await runMain(["audit"], { env: { REDIS_URL: url } });
    expect(result.stdout.split("\n").filter((line) => line.includes(approvalId))).toHaveLength(2);
    expect(result.code, result.stderr).toBe(0);
  });
});

describe("npm run audit --limit", () => {
  it("refuses a limit that is not a whole number with a usage message and exit 2", async () => {
    const result = await runMain(["audit", "--limit", "abc"], { env: { REDIS_URL: "" } });
    expect(result.stderr).toContain("--limit abc: give a whole number");
    expect(result.code).toBe(2);
  });
});
