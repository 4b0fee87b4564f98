import type { Installation, InstallationQuery, InstallationStore } from "@slack/oauth";
import { DaybookError } from "../../../src/core/errors.ts";
import { getJson, type Store, setJson } from "../../../src/core/store.ts";

type AnyInstallation = Installation<"v1" | "v2", boolean>;

const teamKey = (teamId: string) => `slack:installation:team:${teamId}`;
const enterpriseKey = (enterpriseId: string) => `slack:installation:enterprise:${enterpriseId}`;
/** A workspace of an org-wide install, seen in an event: which enterprise's installation answers it. */
const orgOfTeamKey = (teamId: string) => `slack:installation:org-of-team:${teamId}`;

/**
 * Installations in the Store (Redis in production), one per workspace, or one per Enterprise
 * Grid organisation for an org-wide install, which Slack reports with `is_enterprise_install`
 * and no team (https://docs.slack.dev/enterprise-grid/#org-wide-installation). The bot token is
 * kept as Slack issued it: whoever can read the Store can read the tokens (docs/slack-install.md).
 */
export class StoreInstallationStore implements InstallationStore {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  static keyOf(query: {
    teamId?: string | undefined;
    enterpriseId?: string | undefined;
    isEnterpriseInstall: boolean;
  }): string {
    if (query.isEnterpriseInstall) {
      if (!query.enterpriseId)
        throw new DaybookError("bad_request", "an org-wide Slack installation needs an enterprise id");
      return enterpriseKey(query.enterpriseId);
    }
    if (!query.teamId) throw new DaybookError("bad_request", "a Slack installation needs a team id");
    return teamKey(query.teamId);
  }

  async storeInstallation(installation: AnyInstallation): Promise<void> {
    const isEnterpriseInstall = installation.isEnterpriseInstall === true;
    const key = StoreInstallationStore.keyOf({
      teamId: installation.team?.id,
      enterpriseId: installation.enterprise?.id,
      isEnterpriseInstall,
    });
    await setJson(this.#store, key, installation);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<AnyInstallation> {
    const found = await getJson<AnyInstallation>(this.#store, StoreInstallationStore.keyOf(query));
    if (!found) throw new DaybookError("not_found", "daybook is not installed in this Slack workspace");
    if (query.isEnterpriseInstall && query.teamId && query.enterpriseId) {
      // Lets a queued reply, which knows only its team, find the org's installation.
      await this.#store.set(orgOfTeamKey(query.teamId), query.enterpriseId);
    }
    return found;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.#store.delete(StoreInstallationStore.keyOf(query));
    if (query.teamId) await this.#store.delete(orgOfTeamKey(query.teamId));
  }

  /** Forgets the installer's user token when Slack revoked it; the bot token stays. */
  async dropUserToken(query: InstallationQuery<boolean>, revokedUserIds: readonly string[]): Promise<void> {
    const key = StoreInstallationStore.keyOf(query);
    const found = await getJson<AnyInstallation>(this.#store, key);
    if (!found?.user?.id || !revokedUserIds.includes(found.user.id)) return;
    const { token: _revoked, refreshToken: _refresh, expiresAt: _expires, ...user } = found.user;
    await setJson(this.#store, key, { ...found, user });
  }

  /**
   * The installation that answers in a workspace: its own, else its organisation's org-wide
   * install (once an event from that workspace has been authorized, or named by its enterprise
   * id). Undefined when neither.
   */
  async forWorkspace(teamId: string): Promise<AnyInstallation | undefined> {
    // An enterprise id: a digest channel whose slackTeam names the org of an org-wide install.
    if (/^E[A-Z0-9]+$/.test(teamId)) return getJson<AnyInstallation>(this.#store, enterpriseKey(teamId));
    const own = await getJson<AnyInstallation>(this.#store, teamKey(teamId));
    if (own) return own;
    const enterpriseId = await this.#store.get(orgOfTeamKey(teamId));
    return enterpriseId ? getJson<AnyInstallation>(this.#store, enterpriseKey(enterpriseId)) : undefined;
  }
}
