/**
 * Turns a compact JSON tool result into chat Markdown for the offline model. Values are
 * copied verbatim (never recomputed, rounded or counted), so every figure in the reply is
 * one a tool returned (ARCHITECTURE.md, decision 2).
 */
const maxItems = 10;
const maxText = 3_000;
const titleKeys = ["name", "title", "summary", "key", "number", "subject", "account", "description", "id"];
const skipKeys = new Set(["url", "id", "lc", "type_"]);

export function renderToolOutput(tool: string, _description: string, content: string, value: unknown): string {
  const heading = `**${label(tool.replace(/^(jira|crm|accounting)_/, ""))}**`;
  if (value === undefined) return `${heading}\n${clip(content.trim())}`;
  const lines = [heading, ...renderValue(value, 0)];
  return clip(lines.join("\n"));
}

function clip(text: string): string {
  return text.length > maxText ? `${text.slice(0, maxText)}\n_(more available)_` : text;
}

export function label(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function scalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

function show(v: string | number | boolean): string {
  if (typeof v === "boolean") return v ? "yes" : "no";
  // Thousands separators only; the digits stay exactly the tool's.
  if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) >= 10_000) return v.toLocaleString("en-US");
  return String(v);
}

function titleOf(obj: Record<string, unknown>): { title: string; used: string | undefined } {
  // Issue keys lead ("ENG-12 Fix login") because people refer to issues by key.
  if (typeof obj.key === "string" && typeof obj.summary === "string") {
    return { title: `\`${obj.key}\` ${obj.summary}`, used: "key+summary" };
  }
  for (const k of titleKeys) {
    const v = obj[k];
    if (scalar(v) && String(v).trim() !== "") return { title: `**${show(v)}**`, used: k };
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const inner = (v as Record<string, unknown>).name;
      if (typeof inner === "string") return { title: `**${inner}**`, used: k };
    }
  }
  return { title: "", used: undefined };
}

function inline(obj: Record<string, unknown>, depth: number): string {
  const { title, used } = titleOf(obj);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === used || (used === "key+summary" && (k === "key" || k === "summary")) || skipKeys.has(k)) continue;
    if (v === null || v === undefined || v === "") continue;
    if (scalar(v)) parts.push(`${label(k)}: ${show(v)}`);
    else if (Array.isArray(v)) {
      if (v.length === 0) continue;
      if (v.every(scalar)) parts.push(`${label(k)}: ${v.map((x) => show(x as string)).join(", ")}`);
      else if (depth < 2)
        parts.push(
          `${label(k)}: ${v
            .slice(0, 3)
            .map((x) => (x && typeof x === "object" ? inline(x as Record<string, unknown>, depth + 1) : String(x)))
            .join("; ")}`,
        );
    } else if (typeof v === "object" && depth < 2) {
      const nested = inline(v as Record<string, unknown>, depth + 1);
      if (nested) parts.push(`${label(k)}: ${nested}`);
    }
  }
  const url = typeof obj.url === "string" ? obj.url : undefined;
  const head = url && title ? `[${title.replace(/\*\*/g, "")}](${url})` : title;
  return [head, parts.join(" · ")].filter(Boolean).join(" — ");
}

function renderValue(value: unknown, depth: number): string[] {
  if (scalar(value)) return [show(value)];
  if (Array.isArray(value)) return renderList(value, depth);
  if (!value || typeof value !== "object") return [];
  const obj = value as Record<string, unknown>;
  const lines: string[] = [];
  const { title } = titleOf(obj);
  if (depth === 0 && title && Object.values(obj).every((v) => !Array.isArray(v) || v.length === 0)) {
    // A single record (a deal, a customer): one line of identity, then its fields.
    lines.push(inline(obj, 0));
    return lines;
  }
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined || v === "" || skipKeys.has(k)) continue;
    if (scalar(v)) lines.push(`${label(k)}: ${show(v)}`);
    else if (Array.isArray(v)) {
      if (v.length === 0) lines.push(`${label(k)}: none`);
      else if (v.every(scalar)) lines.push(`${label(k)}: ${v.map((x) => show(x as string)).join(", ")}`);
      else lines.push(`**${label(k)}**`, ...renderList(v, depth + 1));
    } else if (typeof v === "object") {
      const nested = inline(v as Record<string, unknown>, depth + 1);
      if (nested) lines.push(`${label(k)}: ${nested}`);
    }
  }
  return lines;
}

function renderList(items: unknown[], depth: number): string[] {
  const lines = items.slice(0, maxItems).map((item) => {
    if (scalar(item)) return `- ${show(item)}`;
    if (item && typeof item === "object") return `- ${inline(item as Record<string, unknown>, depth)}`;
    return "- ";
  });
  if (items.length > maxItems) lines.push("- _(more available)_");
  return lines;
}
