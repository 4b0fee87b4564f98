import { describe, expect, it } from "vitest";
import type { Customer } from "../../src/core/domain/crm.ts";
import { scoreCustomers } from "./churn-score.ts";

const now = Date.parse("2026-11-23T09:00:00Z");
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();

function customer(id: string, over: Partial<Customer> = {}): Customer {
  return {
    id,
    name: id,
    arr: 10_000,
    usageChange: 0.05,
    usageWindowDays: 30,
    adminLastLoginAt: daysAgo(1),
    tickets: [],
    unusedPaidFeatures: [],
    url: `https://crm.example/company/${id}`,
    ...over,
  };
}

const ticket = (n: number) => ({
  id: `t${n}`,
  subject: "Export broken",
  status: "open" as const,
  createdAt: daysAgo(n),
});

describe("scoreCustomers", () => {
  const risks = scoreCustomers(
    [
      customer("Healthy"),
      customer("BrightTech", {
        arr: 120_000,
        usageChange: -0.65,
        adminLastLoginAt: daysAgo(21),
        tickets: [ticket(1), ticket(2), ticket(3)],
      }),
      customer("Payer", { lastFailedPaymentAt: daysAgo(2), unusedPaidFeatures: ["SSO"] }),
      customer("Ghost admin", { adminLastLoginAt: undefined, usageChange: -0.2 }),
    ],
    now,
  );
  const byName = Object.fromEntries(risks.map((r) => [r.customer.name, r]));

  it("flags a customer whose usage fell 65% as high risk with the signals that drove it", () => {
    const bright = byName.BrightTech;
    // 50 usage + 10 admin 21 days + 15 three open tickets.
    expect(bright?.score).toBe(75);
    expect(bright?.level).toBe("high");
    expect(bright?.signals.map((s) => s.kind)).toEqual(["usage_drop", "support_tickets", "admin_inactive"]);
    expect(bright?.signals[0]?.detail).toBe("usage down 65% over 30 days");
    expect(bright?.suggestedAction).toContain("usage review");
    expect(risks[0]?.customer.name).toBe("BrightTech");
  });

  it("scores each signal with its documented points", () => {
    expect(byName.Payer?.score).toBe(20 + 5);
    expect(byName.Payer?.level).toBe("medium");
    expect(byName.Payer?.suggestedAction).toContain("payment method");
    expect(byName["Ghost admin"]?.score).toBe(20 + 15);
    expect(byName["Ghost admin"]?.signals.find((s) => s.kind === "admin_inactive")?.detail).toBe(
      "no admin login on record",
    );
    expect(byName.Healthy).toMatchObject({ score: 0, level: "low", signals: [] });
  });

  it("sorts the riskiest first", () => {
    expect(risks.map((r) => r.score)).toEqual([75, 35, 25, 0]);
  });

  it("caps the score at 100", () => {
    const [worst] = scoreCustomers(
      [
        customer("W", {
          usageChange: -0.9,
          adminLastLoginAt: daysAgo(90),
          tickets: [ticket(1), ticket(2), ticket(3)],
          lastFailedPaymentAt: daysAgo(1),
          unusedPaidFeatures: ["a", "b", "c"],
        }),
      ],
      now,
    );
    expect(worst?.score).toBe(100);
  });
});
