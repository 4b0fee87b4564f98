/**
 * What a follow-up needs from the previous turn ("and the second one?", "why is it at
 * risk?"): the entities the answer listed, in order, and the calls that produced them. The
 * agent stores it as the assistant HistoryEntry's `data`; the offline model reads it back.
 */
export type RefKind = "issue" | "deal" | "customer" | "company" | "invoice" | "transaction" | "other";

export interface EntityRef {
  kind: RefKind;
  id?: string;
  name?: string;
}

export interface TurnData {
  /** Tools called this turn, in order. */
  calls: { tool: string; args: Record<string, unknown> }[];
  /** Entities the tool results listed, in order (at most `maxRefs`). */
  refs: EntityRef[];
  /** The entity the turn was about, when there was one. */
  subject?: EntityRef;
  approvals?: string[];
}

const maxRefs = 25;
const issueKey = /^[A-Z][A-Z0-9]+-\d+$/;

export function isTurnData(value: unknown): value is TurnData {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as TurnData).calls) &&
    Array.isArray((value as TurnData).refs)
  );
}

/** Best-effort JSON parse of a tool result; tool results are compact JSON or short text. */
export function parseToolOutput(content: string): unknown {
  const trimmed = content.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

function str(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** Classifies a result object by the fields the domain types carry (src/core/domain). */
export function refOf(obj: Record<string, unknown>, hint?: RefKind): EntityRef | undefined {
  const key = str(obj.key);
  if (key && issueKey.test(key))
    return { kind: "issue", id: key, ...(str(obj.summary) ? { name: str(obj.summary) } : {}) };
  const id = str(obj.id);
  const name = str(obj.name) ?? str(obj.title);
  const number = str(obj.number);
  let kind: RefKind | undefined;
  if ("stage" in obj || "probability" in obj || "weighted" in obj) kind = "deal";
  else if ("arr" in obj || "usageChange" in obj || "churn" in obj || "level" in obj) kind = "customer";
  else if (number && ("total" in obj || "contact" in obj)) kind = "invoice";
  else if ("amount" in obj && ("reconciled" in obj || "bankAccount" in obj)) kind = "transaction";
  else kind = hint;
  if (!kind) return undefined;
  if (kind === "invoice") return { kind, ...(id ? { id } : {}), name: number ?? name ?? id ?? "" };
  if (!id && !name) return undefined;
  return { kind, ...(id ? { id } : {}), ...(name ? { name } : {}) };
}

/**
 * Walks a tool result for listed entities. Wrapper objects ({ deal: {...}, weighted }) are
 * unwrapped one level so ranked lists still yield the deal.
 */
export function extractRefs(value: unknown, out: EntityRef[] = [], depth = 0): EntityRef[] {
  if (out.length >= maxRefs || depth > 4 || value === null || typeof value !== "object") return out;
  if (Array.isArray(value)) {
    for (const item of value) extractRefs(item, out, depth + 1);
    return out;
  }
  const obj = value as Record<string, unknown>;
  const direct = refOf(obj);
  if (direct) {
    pushRef(out, direct);
  } else {
    for (const [k, v] of Object.entries(obj)) {
      if (v && typeof v === "object" && !Array.isArray(v)) {
        const hint = k === "deal" ? "deal" : k === "customer" ? "customer" : k === "issue" ? "issue" : undefined;
        const inner = refOf(v as Record<string, unknown>, hint);
        if (inner) {
          pushRef(out, inner);
          continue;
        }
      }
      extractRefs(v, out, depth + 1);
    }
  }
  return out;
}

function pushRef(out: EntityRef[], ref: EntityRef): void {
  if (out.length >= maxRefs) return;
  if (out.some((r) => r.kind === ref.kind && r.id === ref.id && r.name === ref.name)) return;
  out.push(ref);
}
