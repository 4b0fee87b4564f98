import type { WebClient } from "@slack/web-api";
import { LRUCache } from "lru-cache";
import { DaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { SlackNameLookup } from "./format/inbound.ts";
import type { StoreInstallationStore } from "./oauth/installation-store.ts";
import { createWebClient } from "./web-client.ts";

/**
 * Web API clients for many workspaces: each conversation's team id (ThreadRef.workspace) finds
 * its installation in the Store on every call, so an uninstall or a revoked token takes effect on
 * every replica at once. Clients are reused per token, never shared between tokens.
 */
export class WorkspaceClients {
  readonly #installations: StoreInstallationStore;
  readonly #apiUrl: string | undefined;
  readonly #logger: Logger;
  readonly #clients = new LRUCache<string, WebClient>({ max: 500 });

  constructor(options: { installations: StoreInstallationStore; apiUrl?: string | undefined; logger: Logger }) {
    this.#installations = options.installations;
    this.#apiUrl = options.apiUrl;
    this.#logger = options.logger;
  }

  async clientFor(workspace: string): Promise<WebClient> {
    const installation = await this.#installations.forWorkspace(workspace);
    const token = installation?.bot?.token;
    if (!token) {
      // Digests address channels by name; without channels.<name>.slackTeam there is no workspace.
      const message =
        workspace === "default"
          ? "a Slack channel without a workspace: with many workspaces installed, set channels.<name>.slackTeam (its team id) in the org config"
          : "daybook is not installed in this Slack workspace";
      throw new DaybookError("not_found", message, { details: { workspace } });
    }
    let client = this.#clients.get(token);
    if (!client) {
      client = createWebClient({ token, apiUrl: this.#apiUrl, logger: this.#logger });
      this.#clients.set(token, client);
    }
    return client;
  }
}

/**
 * Names for inbound text (SlackDirectory) per workspace: each directory asks with its own
 * workspace's token and caches what that workspace may see.
 */
export class WorkspaceNames {
  readonly #clients: WorkspaceClients;
  readonly #directory: (client: WebClient, workspace: string) => SlackNameLookup;
  readonly #directories = new LRUCache<WebClient, SlackNameLookup>({ max: 500 });

  constructor(clients: WorkspaceClients, directory: (client: WebClient, workspace: string) => SlackNameLookup) {
    this.#clients = clients;
    this.#directory = directory;
  }

  namesIn(workspace: string): SlackNameLookup {
    const lookup = async <T>(ask: (names: SlackNameLookup) => Promise<T | undefined>) => {
      // Not installed: no names; the text keeps the ids, as with any failed lookup.
      const client = await this.#clients.clientFor(workspace).catch(() => undefined);
      if (!client) return undefined;
      let names = this.#directories.get(client);
      if (!names) {
        names = this.#directory(client, workspace);
        this.#directories.set(client, names);
      }
      return ask(names);
    };
    return {
      userName: (id) => lookup((names) => names.userName(id)),
      channelName: (id) => lookup((names) => names.channelName(id)),
      profile: (id) => lookup((names) => names.profile?.(id) ?? Promise.resolve(undefined)),
    };
  }
}
