import { Readable } from "node:stream";
import { signSlackRequest } from "../../adapters/slack/webhook/verify.ts";
import { type Rng, randomJson, randomString, randomText } from "./fuzz.ts";
import { encode, expectation, type Field, type Mutation, mutate, shapes } from "./slack-shapes.ts";

/**
 * The requests of the HTTP fuzz (test/http-fuzz.test.ts): Slack bodies signed with a field
 * broken, random, or well-formed with a wrong signature; Teams activities with every kind of
 * unusable token; health, unknown and wrong-method routes; oversize and chunked bodies. None of
 * them may cause anything: a signed Slack body is always broken in a field a listener needs.
 */
export interface FuzzRequest {
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Readable;
  /** The response is the url_verification echo of a generated challenge. */
  echoes?: boolean;
}

export interface FuzzContext {
  /** The Slack signing secret the server checks. */
  secret: string;
  /** Where a Teams activity says to answer (a fake Bot Connector that counts calls). */
  serviceUrl: string;
}

/** A generator of fuzz requests; the same seed gives the same requests. */
export function fuzzRequests(ctx: FuzzContext): (rng: Rng) => FuzzRequest {
  const nowSec = () => Math.floor(Date.now() / 1000);

  function slackHeaders(rng: Rng, raw: string, contentType: string, signed: boolean): Record<string, string> {
    const headers: Record<string, string> = { "content-type": contentType };
    const timestamp = nowSec();
    if (signed) {
      headers["x-slack-request-timestamp"] = String(timestamp);
      headers["x-slack-signature"] = signSlackRequest(ctx.secret, timestamp, raw);
    } else {
      // Unsigned: each of the ways a signature can be wrong.
      rng.weighted<() => void>([
        [2, () => {}],
        [
          2,
          () => {
            headers["x-slack-request-timestamp"] = String(timestamp);
            headers["x-slack-signature"] = signSlackRequest("wrong-secret-zq7", timestamp, raw);
          },
        ],
        [
          2,
          () => {
            headers["x-slack-request-timestamp"] = String(timestamp - 301 - rng.int(100_000));
            headers["x-slack-signature"] = signSlackRequest(ctx.secret, timestamp - 301, raw);
          },
        ],
        [
          1,
          () => {
            headers["x-slack-request-timestamp"] = randomString(rng, 12).replace(/[^\x20-\x7e]/g, "");
            headers["x-slack-signature"] = `v0=${randomString(rng, 64).replace(/[^\x20-\x7e]/g, "")}`;
          },
        ],
        [
          1,
          () => {
            // Signed over other bytes than those sent.
            headers["x-slack-request-timestamp"] = String(timestamp);
            headers["x-slack-signature"] = signSlackRequest(ctx.secret, timestamp, `${raw} `);
          },
        ],
      ])();
    }
    if (rng.chance(0.1)) headers["x-slack-retry-num"] = rng.pick(["1", "2", "-1", "99999999999", "zq7"]);
    if (rng.chance(0.05)) headers["x-slack-retry-reason"] = rng.pick(["http_timeout", "zq7"]);
    return headers;
  }

  /** A well-formed shape with at least one field broken (so nothing may happen), maybe more mutations. */
  function brokenShape(rng: Rng): { raw: string; contentType: string; what: string } {
    for (;;) {
      const shape = rng.pick(shapes);
      const body = shape.body();
      const mutations: Mutation[] =
        shape.encoding === "form" ? ["missing", "empty", "huge"] : ["missing", "null", "wrong type", "empty", "huge"];
      const field = rng.pick(shape.fields);
      const mutation = rng.pick(mutations);
      const expected = expectation(field, mutation);
      if (expected !== "reject" && expected !== "bad request") continue;
      // Mostly smaller than `huge` (which the body limit already refuses); a form field has no
      // wrong type ("7777" is a string too), so forms keep the huge value.
      const applied = mutation === "huge" && shape.encoding !== "form" && rng.chance(0.8) ? "wrong type" : mutation;
      let mutated = mutate(body, field, applied);
      // Extra mutations elsewhere (never on the broken field's ancestors or descendants, which
      // could remove the break).
      const related = (other: Field) => {
        const a = field.path.join(".");
        const b = other.path.join(".");
        return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
      };
      for (let i = rng.int(3); i > 0; i--) {
        const other = rng.pick(shape.fields);
        if (related(other)) continue;
        const m = rng.pick(mutations.filter((x) => x !== "huge"));
        try {
          mutated = mutate(mutated, other, m);
        } catch {
          // The path no longer exists after an earlier mutation.
        }
      }
      if (rng.chance(0.2)) mutated[rng.pick(["zq7", "extra", "token"])] = randomJson(rng);
      const { raw, contentType } = encode(shape.encoding, mutated);
      return { raw, contentType, what: `slack ${shape.name}: ${field.path.join(".")} ${mutation}` };
    }
  }

  /** The well-formed shape, unchanged: must still do nothing when the signature is wrong. */
  function validShape(rng: Rng): { raw: string; contentType: string; what: string } {
    const shape = rng.pick(shapes);
    return { ...encode(shape.encoding, shape.body()), what: `slack ${shape.name} (well-formed)` };
  }

  function slackRequest(rng: Rng): FuzzRequest {
    const kind = rng.weighted<"broken" | "random" | "unsigned">([
      [5, "broken"],
      [3, "random"],
      [3, "unsigned"],
    ]);
    if (kind === "random") {
      const contentType = rng.pick([
        "application/json",
        "application/x-www-form-urlencoded",
        "application/json; charset=utf-8",
        "APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8",
        "text/plain",
        "multipart/form-data; boundary=zq7",
        "",
      ]);
      const raw = rng.chance(0.5) ? JSON.stringify(randomJson(rng)) : randomText(rng);
      const signed = rng.chance(0.7);
      return {
        what: `slack random ${signed ? "signed" : "unsigned"} ${contentType || "no content type"}`,
        method: "POST",
        path: "/slack/events",
        headers: slackHeaders(rng, raw, contentType, signed),
        body: raw,
        echoes: true,
      };
    }
    const shape = kind === "broken" ? brokenShape(rng) : validShape(rng);
    return {
      what: `${shape.what}${kind === "unsigned" ? " unsigned" : ""}`,
      method: "POST",
      path: "/slack/events",
      headers: slackHeaders(rng, shape.raw, shape.contentType, kind === "broken"),
      body: shape.raw,
    };
  }

  function jwt(payload: Record<string, unknown>): string {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${part({ alg: "RS256", typ: "JWT", kid: "fuzz" })}.${part(payload)}.c2lnbmF0dXJlenE3`;
  }

  function activity(rng: Rng): Record<string, unknown> {
    const common = {
      id: `a-${rng.int(1e9)}`,
      channelId: rng.pick(["msteams", "msteams", "webchat", "directline", "emulator"]),
      serviceUrl: ctx.serviceUrl,
      from: { id: "29:zq7", aadObjectId: "aad-zq7", name: "Sam zq7" },
      recipient: { id: "28:daybook-zq7", name: "daybook" },
      conversation: {
        id: "a:zq7",
        conversationType: rng.pick(["personal", "channel", "groupChat"]),
        tenantId: "t-zq7",
      },
      channelData: { tenant: { id: "t-zq7" } },
    };
    return rng.weighted<() => Record<string, unknown>>([
      [3, () => ({ ...common, type: "message", text: `hello ${randomString(rng)}` })],
      [
        3,
        () => ({
          ...common,
          type: "invoke",
          name: "adaptiveCard/action",
          replyToId: "m-zq7",
          value: rng.chance(0.5)
            ? { action: { type: "Action.Execute", verb: "daybook.approve", data: { value: "ap-zq7" } } }
            : randomJson(rng),
        }),
      ],
      [1, () => ({ ...common, type: "conversationUpdate", membersAdded: [{ id: "28:daybook-zq7" }] })],
      [1, () => ({ ...common, type: "installationUpdate", action: "add" })],
      [1, () => ({ ...common, type: rng.pick(["typing", "event", "messageReaction", "zq7"]) })],
    ])();
  }

  function teamsRequest(rng: Rng): FuzzRequest {
    let body: string;
    const a = activity(rng);
    const shape = rng.weighted<string>([
      [4, "well-formed"],
      [3, "field broken"],
      [2, "random json"],
      [1, "not json"],
    ]);
    if (shape === "field broken") {
      const key = rng.pick(Object.keys(a));
      a[key] = rng.pick([null, 7777, "zq7", [], {}, randomJson(rng)]);
      if (rng.chance(0.3)) delete a[rng.pick(Object.keys(a))];
      body = JSON.stringify(a);
    } else if (shape === "random json") body = JSON.stringify(randomJson(rng));
    else if (shape === "not json") body = randomText(rng);
    else body = JSON.stringify(a);
    const now = nowSec();
    const token = rng.weighted<[string, string | undefined]>([
      [2, ["no token", undefined]],
      [1, ["basic", "Basic emq3OnpxNw=="]],
      [1, ["not a jwt", `Bearer zq7.${randomString(rng, 20).replace(/[^\x21-\x7e]/g, "")}`]],
      [1, ["expired", `Bearer ${jwt({ iss: "https://api.botframework.com", aud: "zq7", exp: now - 7200 })}`]],
      [3, ["untrusted issuer", `Bearer ${jwt({ iss: "https://issuer.example/zq7", aud: "zq7", exp: now + 3600 })}`]],
      [1, ["no exp", `Bearer ${jwt({ iss: "https://zq7.example" })}`]],
    ]);
    const headers: Record<string, string> = {
      "content-type": rng.pick(["application/json", "application/json; charset=utf-8", "text/plain"]),
    };
    if (token[1] !== undefined) headers.authorization = token[1];
    return {
      what: `teams ${shape} ${JSON.stringify(a.type)} ${token[0]}`,
      method: "POST",
      path: "/api/messages",
      headers,
      body,
    };
  }

  function otherRequest(rng: Rng): FuzzRequest {
    return rng.weighted<() => FuzzRequest>([
      [3, () => ({ what: "healthz", method: rng.pick(["GET", "HEAD"]), path: "/healthz", headers: {} })],
      [3, () => ({ what: "readyz", method: rng.pick(["GET", "HEAD"]), path: "/readyz", headers: {} })],
      [
        2,
        () => ({
          what: "wrong method",
          method: rng.pick(["PUT", "DELETE", "PATCH", "OPTIONS", "GET", "POST"]),
          path: rng.pick(["/healthz", "/readyz", "/slack/events", "/api/messages"]),
          headers: { "content-type": "application/json" },
          body: "{}",
        }),
      ],
      [
        3,
        () => ({
          what: "unknown path",
          method: rng.pick(["GET", "POST", "PUT"]),
          path: rng.pick([
            "/",
            "/slack",
            "/slack/events/zq7",
            "/api/messages/../../etc/passwd",
            "/%2e%2e/zq7",
            `/zq7/${encodeURIComponent(randomString(rng))}`,
            "/healthz?zq7=1",
            "/SLACK/EVENTS",
            "//slack/events",
            "/slack/events%00",
          ]),
          headers: {},
        }),
      ],
      [
        2,
        () => ({
          what: "oversize declared",
          method: "POST",
          path: rng.pick(["/slack/events", "/api/messages"]),
          headers: { "content-type": "application/json" },
          body: `{"zq7":"${"x".repeat(70_000)}"}`,
        }),
      ],
      [
        2,
        () => ({
          what: "oversize chunked",
          method: "POST",
          path: rng.pick(["/slack/events", "/api/messages"]),
          headers: { "content-type": "application/json" },
          body: Readable.from(
            (async function* () {
              for (let i = 0; i < 10; i++) yield Buffer.from("zq7".repeat(3_000));
            })(),
          ),
        }),
      ],
    ])();
  }

  function nextRequest(rng: Rng): FuzzRequest {
    return rng.weighted<() => FuzzRequest>([
      [6, () => slackRequest(rng)],
      [3, () => teamsRequest(rng)],
      [1, () => otherRequest(rng)],
    ])();
  }

  return nextRequest;
}
