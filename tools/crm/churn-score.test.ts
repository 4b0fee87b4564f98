import { describe, expect, it } from "vitest";
import type { Customer } from "../../src/core/domain/crm.ts";
import { type ChurnRisk, scoreCustomers } from "./churn-score.ts";

const now = Date.parse("2026-11-23T09:00:00Z");
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();

function customer(id: string, over: Partial<Customer> = {}): Customer {
  return {
    id,
    name: id,
    arr: 10_000,
    currency: "USD",
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

const byId = (risks: ChurnRisk[]) => Object.fromEntries(risks.map((r) => [r.customer.id, r]));

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
    // 50 usage + 15 admin 21 days + 15 three open tickets.
    expect(bright?.score).toBe(80);
    expect(bright?.level).toBe("high");
    expect(bright?.signals.map((s) => s.kind)).toEqual(["usage_drop", "admin_inactive", "support_tickets"]);
    expect(bright?.signals[0]?.detail).toBe("usage down 65% over 30 days");
    expect(bright?.suggestedAction).toContain("usage review");
    expect(risks[0]?.customer.name).toBe("BrightTech");
  });

  it("scores each signal with its documented points", () => {
    expect(byName.Payer?.score).toBe(25 + 5);
    expect(byName.Payer?.level).toBe("medium");
    expect(byName.Payer?.suggestedAction).toContain("payment method");
    expect(byName["Ghost admin"]?.score).toBe(20 + 15);
    expect(byName["Ghost admin"]?.signals.find((s) => s.kind === "admin_inactive")?.detail).toBe(
      "no admin login on record",
    );
    expect(byName.Healthy).toMatchObject({ score: 0, level: "low", signals: [] });
  });

  it("sorts the riskiest first", () => {
    expect(risks.map((r) => r.score)).toEqual([80, 35, 30, 0]);
  });

  it("counts an admin silent for a week, and more at two weeks and a month", () => {
    const { week, fortnight, month, fresh } = byId(
      scoreCustomers(
        [
          customer("week", { adminLastLoginAt: daysAgo(7.2) }),
          customer("fortnight", { adminLastLoginAt: daysAgo(14) }),
          customer("month", { adminLastLoginAt: daysAgo(31) }),
          customer("fresh", { adminLastLoginAt: daysAgo(6.9) }),
        ],
        now,
      ),
    );
    expect(month?.signals).toEqual([{ kind: "admin_inactive", detail: "admin silent 31 days", points: 20 }]);
    expect(fortnight?.signals).toEqual([{ kind: "admin_inactive", detail: "admin silent 14 days", points: 15 }]);
    expect(week?.signals).toEqual([{ kind: "admin_inactive", detail: "admin silent 7 days", points: 10 }]);
    expect(fresh).toMatchObject({ score: 0, signals: [] });
  });

  it("names open tickets by subject and ignores closed ones", () => {
    const { one, many } = byId(
      scoreCustomers(
        [
          customer("one", {
            tickets: [
              { id: "t1", subject: "Too complicated", status: "open", createdAt: daysAgo(3) },
              { id: "t0", subject: "Old question", status: "closed", createdAt: daysAgo(30) },
            ],
          }),
          customer("many", {
            tickets: ["A", "B", "C", "D"].map((subject, i) => ({
              id: `m${i}`,
              subject,
              status: "open" as const,
              createdAt: daysAgo(i),
            })),
          }),
        ],
        now,
      ),
    );
    expect(one?.signals).toEqual([{ kind: "support_tickets", detail: 'open ticket "Too complicated"', points: 5 }]);
    expect(many?.signals[0]?.detail).toBe('4 open tickets: "A", "B" and 2 more');
    expect(many?.score).toBe(15);
  });

  it("makes three unused paid features alone a medium risk with an onboarding offer", () => {
    const { three, two } = byId(
      scoreCustomers(
        [
          customer("two", { unusedPaidFeatures: ["SSO", "API access"] }),
          customer("three", { unusedPaidFeatures: ["SSO", "Advanced analytics", "API access"] }),
        ],
        now,
      ),
    );
    expect(three).toMatchObject({ score: 25, level: "medium" });
    expect(three?.signals[0]?.detail).toBe("3 paid features unused (SSO, Advanced analytics, API access)");
    expect(three?.suggestedAction).toContain("onboarding");
    expect(two).toMatchObject({ score: 10, level: "low" });
  });

  it("always asks for a new payment method when a payment failed, even behind a usage drop", () => {
    const [r] = scoreCustomers([customer("df", { usageChange: -0.35, lastFailedPaymentAt: daysAgo(1.05) })], now);
    expect(r).toMatchObject({ score: 55, level: "high" });
    expect(r?.signals.map((x) => x.detail)).toEqual(["usage down 35% over 30 days", "payment failed 1 day ago"]);
    expect(r?.suggestedAction).toBe(
      "Book a usage review with df's admin this week, and ask the billing contact to update the payment method",
    );
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
