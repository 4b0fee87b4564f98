import { generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from "node:crypto";
import { AppCredentials, type ServiceClientCredentialsFactory } from "botframework-connector";
import { type RecordedRequest, startFakeServer } from "./http.ts";

/**
 * A local stand-in for the Bot Framework's identity provider: the OpenID metadata and JWKS the
 * connector validates inbound tokens against, and a client_credentials token endpoint for the
 * bot's outbound calls. Keys carry `endorsements` (channel ids), as Microsoft's JWKS does
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication).
 */
export interface BotIdentityProvider {
  url: string;
  /** The `iss` of channel tokens (the real one is https://api.botframework.com). */
  issuer: string;
  metadataUrl: string;
  tokenUrl: string;
  requests: RecordedRequest[];
  /** Client-credential grants served, oldest first. */
  tokenGrants: { clientId: string; scope: string; accessToken: string }[];
  /** A channel token (RS256, signed with the published key unless `key` says otherwise). */
  channelToken(claims?: Record<string, unknown>, options?: { key?: KeyObject; kid?: string; alg?: string }): string;
  /** True when `token` is a JWT signed with the provider's published key. */
  verifies(token: string): boolean;
  /** Credentials that fetch the bot's outbound tokens from the local token endpoint. */
  credentialsFactory(appId: string, password: string): ServiceClientCredentialsFactory;
  close(): Promise<void>;
}

export interface BotIdentityProviderOptions {
  /** Lifetime of issued access tokens in seconds (default 3600). */
  accessTokenSeconds?: number;
  /**
   * Channel ids the published key is endorsed for (default ["msteams"]). Microsoft's keys are
   * endorsed for many channels (webchat, directline, ...), so such a token passes validation
   * and only daybook's own channel check refuses it.
   */
  endorsements?: string[];
}

const kid = "local-idp-key-1";

export function unpublishedKey(): KeyObject {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject | undefined,
): string {
  const input = `${encode(header)}.${encode(payload)}`;
  if (!key) return `${input}.`;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

export async function startBotIdentityProvider(options: BotIdentityProviderOptions = {}): Promise<BotIdentityProvider> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const tokenGrants: BotIdentityProvider["tokenGrants"] = [];
  const accessTokenSeconds = options.accessTokenSeconds ?? 3600;
  let base = "";
  const fake = await startFakeServer((req) => {
    if (req.method === "GET" && req.path === "/.well-known/openid-configuration") {
      return {
        body: {
          issuer: `${base}/issuer`,
          jwks_uri: `${base}/keys`,
          token_endpoint: `${base}/token`,
          id_token_signing_alg_values_supported: ["RS256"],
        },
      };
    }
    if (req.method === "GET" && req.path === "/keys") {
      return {
        body: { keys: [{ ...jwk, kid, use: "sig", alg: "RS256", endorsements: options.endorsements ?? ["msteams"] }] },
      };
    }
    if (req.method === "POST" && req.path === "/token") {
      const form = new URLSearchParams(req.body);
      if (form.get("grant_type") !== "client_credentials" || !form.get("client_id") || !form.get("client_secret")) {
        return { status: 400, body: { error: "invalid_request" } };
      }
      const now = Math.floor(Date.now() / 1000);
      const accessToken = signJwt(
        { alg: "RS256", typ: "JWT", kid },
        {
          iss: `${base}/issuer`,
          aud: (form.get("scope") ?? "").replace(/\/\.default$/, ""),
          appid: form.get("client_id"),
          iat: now,
          nbf: now,
          exp: now + accessTokenSeconds,
          jti: randomUUID(),
        },
        privateKey,
      );
      tokenGrants.push({ clientId: form.get("client_id") ?? "", scope: form.get("scope") ?? "", accessToken });
      return { body: { token_type: "Bearer", expires_in: accessTokenSeconds, access_token: accessToken } };
    }
    return { status: 404, body: { error: "not_found" } };
  });
  base = fake.url.replace(/\/$/, "");
  const issuer = `${base}/issuer`;
  const tokenUrl = `${base}/token`;

  return {
    url: base,
    issuer,
    metadataUrl: `${base}/.well-known/openid-configuration`,
    tokenUrl,
    requests: fake.requests,
    tokenGrants,
    channelToken(claims = {}, signing = {}) {
      const now = Math.floor(Date.now() / 1000);
      const alg = signing.alg ?? "RS256";
      return signJwt(
        { alg, typ: "JWT", kid: signing.kid ?? kid },
        { iss: issuer, iat: now, nbf: now - 60, exp: now + 3600, ...claims },
        alg === "none" ? undefined : (signing.key ?? privateKey),
      );
    },
    verifies(token) {
      const [header, payload, signature] = token.split(".");
      if (!header || !payload || !signature) return false;
      return verify("sha256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"));
    },
    credentialsFactory(appId, password) {
      return new LocalCredentialsFactory(appId, password, tokenUrl);
    },
    close: fake.close,
  };
}

/**
 * The connector's own token cache (AppCredentials.getToken: reuse until five minutes before
 * expiry, then refresh) over a plain client_credentials grant: the production MSAL client
 * insists on an https authority, which a local test server does not have.
 */
class LocalAppCredentials extends AppCredentials {
  readonly #password: string;
  readonly #tokenUrl: string;

  constructor(appId: string, password: string, tokenUrl: string, scope: string | undefined) {
    super(appId, undefined, scope);
    this.#password = password;
    this.#tokenUrl = tokenUrl;
  }

  protected async refreshToken(): Promise<{ accessToken: string; expiresOn: Date }> {
    const scope = this.oAuthScope.endsWith("/.default") ? this.oAuthScope : `${this.oAuthScope}/.default`;
    const response = await fetch(this.#tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: this.appId,
        client_secret: this.#password,
        scope,
      }),
    });
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    return { accessToken: body.access_token, expiresOn: new Date(Date.now() + body.expires_in * 1000) };
  }
}

class LocalCredentialsFactory implements ServiceClientCredentialsFactory {
  readonly #appId: string;
  readonly #password: string;
  readonly #tokenUrl: string;

  constructor(appId: string, password: string, tokenUrl: string) {
    this.#appId = appId;
    this.#password = password;
    this.#tokenUrl = tokenUrl;
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.#appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(appId: string, audience: string | undefined): Promise<LocalAppCredentials> {
    return new LocalAppCredentials(appId, this.#password, this.#tokenUrl, audience);
  }
}
