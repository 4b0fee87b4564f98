import type { PolicyConfig } from "../config/org.ts";
import type { AnyWriteAction } from "../core/actions.ts";
import type {
  Approval,
  ApprovalOutcome,
  ApprovalRequest,
  ApprovalService,
  DecisionKind,
  DecisionResult,
  StepOutcome,
} from "../core/approval.ts";
import type { Card, CardField } from "../core/card.ts";
import type { ChatUser, MessageRef } from "../core/chat.ts";
import type { Clock } from "../core/clock.ts";
import { DaybookError, isDaybookError, toDaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { Metrics } from "../core/metrics.ts";
import type { Principal, PrincipalResolver } from "../core/principal.ts";
import type { Store } from "../core/store.ts";
import type { ThreadRef } from "../core/thread.ts";
import { reportError } from "../core/user-facing-error.ts";
import {
  approvalCard,
  decidedCard,
  formatTime,
  notFoundNotice,
  resultCard,
  shownTime,
  withUnshownArgs,
} from "./approval-card.ts";
import {
  alreadyDecidedNotice,
  auditEntry,
  hashArgs,
  key,
  newApprovalId,
  normalizeId,
  publicView,
  resultThread,
  type StoredApproval,
  safeTitle,
} from "./approval-records.ts";
import { type AuditEntry, AuditLog } from "./audit.ts";
import { indexPending, readPending, unindexPending } from "./pending.ts";
import { checkDecider, checkPolicyKeys, refusalNotice, resolvePolicy } from "./policy.ts";
import { hasFailedSteps, runSteps } from "./steps.ts";

/** What waits on one person (their App Home): requests they may decide, and their own. */
export interface PendingFor {
  /** Each with the approval card it would have in its thread: the exact arguments and buttons. */
  decidable: { approval: Approval; card: Card }[];
  /** Pending requests they made that they may not decide themselves. */
  requested: { approval: Approval; title: string }[];
}

/** Decided records stay readable (audit links, late clicks) this long after they expire. */
export const APPROVAL_RETENTION_MS = 30 * 24 * 3_600_000;

/** How many times a compare-and-set is retried when another writer changed the record. */
const MAX_CAS_ATTEMPTS = 10;

export interface ApprovalsOptions {
  /** Counts approvals by audit event (docs/metrics.md). */
  metrics?: Metrics;
  store: Store;
  /** Every write action daybook knows; approvals name them by `name`. */
  actions: AnyWriteAction[];
  /** `org.approvals`: action name (or "default") -> who may approve. */
  policies: Record<string, PolicyConfig>;
  principals: PrincipalResolver;
  clock: Clock;
  logger: Logger;
  /** Posts the execution result (or failure) in the approval's thread. */
  post?: (thread: ThreadRef, card: Card) => Promise<unknown>;
  /**
   * Replaces the posted approval card after a decision or expiry. Clicks already replace the
   * clicked card through ClickResult; this keeps the card right when the decision came from
   * the `approve <id>` text fallback.
   */
  update?: (message: MessageRef, card: Card) => Promise<unknown>;
  /** Longest wait for an approved call before recording it as unanswered; default 60 s. */
  executeTimeoutMs?: number;
  /**
   * How long an approved record may stay without an outcome before the next look at it
   * (decide, get, recover) finishes the job: runs the call if it never started, or records
   * its result as unknown if it started and never reported. Default: twice executeTimeoutMs,
   * so a call that is still running normally (it times out after executeTimeoutMs) is never
   * mistaken for a crashed one.
   */
  recoverAfterMs?: number;
  /**
   * Refuse a request from someone whose roles do not grant the action's domain (default
   * true). The agent only offers tools of the asker's domains; this closes the same gap for
   * digest buttons, which anyone in the channel can press.
   */
  checkRequesterDomain?: boolean;
  /**
   * Hands an approved call to the work queue (idempotency key = approval id) instead of
   * running it inside the click; a worker then calls `runApproved`. Without it (tests, the
   * console) the call runs inline. If the hand-off fails the call runs inline too.
   */
  dispatch?: (approvalId: string) => Promise<void>;
}

/**
 * Approved records without an outcome, by id (value: when approved). Written before the
 * approving compare-and-set, so a record approved just before a Redis blip is still found by
 * `sweep`; removed once an outcome is stored.
 */
export const OPEN_APPROVALS_KEY = "approvals:open";

/** What the execution marker `approval:<id>:executed` holds. */
interface ExecutionMarker {
  at: number;
}

/**
 * Approvals as records (ARCHITECTURE.md, decision 1). Every state change is a
 * compare-and-set on the exact previous JSON, so two clicks on two replicas cannot both
 * win, and an approved call runs at most once (guarded again by an execution marker).
 */
export class Approvals implements ApprovalService {
  readonly #store: Store;
  readonly #actions: Map<string, AnyWriteAction>;
  readonly #policies: Record<string, PolicyConfig>;
  readonly #principals: PrincipalResolver;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #post: ApprovalsOptions["post"];
  readonly #updateCard: ApprovalsOptions["update"];
  readonly #executeTimeoutMs: number;
  readonly #recoverAfterMs: number;
  readonly #checkRequesterDomain: boolean;
  readonly #dispatch: ApprovalsOptions["dispatch"];
  readonly audit: AuditLog;

  constructor(options: ApprovalsOptions) {
    // A mistyped policy key would silently fall back to "default": refuse to start instead.
    checkPolicyKeys(
      options.policies,
      options.actions.map((a) => a.name),
    );
    this.#store = options.store;
    this.#actions = new Map(options.actions.map((a) => [a.name, a]));
    this.#policies = options.policies;
    this.#principals = options.principals;
    this.#clock = options.clock;
    this.#log = options.logger.child({ component: "approvals" });
    this.#post = options.post;
    this.#updateCard = options.update;
    this.#executeTimeoutMs = options.executeTimeoutMs ?? 60_000;
    this.#recoverAfterMs = options.recoverAfterMs ?? 2 * this.#executeTimeoutMs;
    this.#checkRequesterDomain = options.checkRequesterDomain ?? true;
    this.#dispatch = options.dispatch;
    const metrics = options.metrics;
    this.audit = new AuditLog(options.store, {
      clock: options.clock,
      ...(metrics ? { onAppend: (entry: AuditEntry) => metrics.approvals.inc({ event: entry.event }) } : {}),
    });
  }

  async requestApproval(request: ApprovalRequest, post: (card: Card) => Promise<MessageRef>): Promise<Approval> {
    const action = this.#actions.get(request.tool);
    if (!action) {
      throw new DaybookError("unknown_action", `no write action named "${request.tool}"`, {
        userMessage: `I don't know how to do "${request.tool}", so there is nothing to approve.`,
      });
    }
    if (this.#checkRequesterDomain && !request.requester.domains.includes(action.domain)) {
      this.#log.info("approval request refused: requester lacks the domain", {
        tool: action.name,
        domain: action.domain,
        requester: request.requester.id,
      });
      throw new DaybookError("forbidden", `${request.requester.id} lacks domain ${action.domain} for ${action.name}`, {
        userMessage: `You don't have access to ${action.domain}, so you can't request this.`,
      });
    }
    const parsed = action.schema.safeParse(request.args);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.length > 0 ? i.path.map(String).join(".") : "arguments"}: ${i.message}`)
        .join("; ");
      throw new DaybookError("bad_request", `invalid arguments for ${action.name}: ${problems}`, {
        userMessage: `I can't ask for approval of that: the arguments are not valid (${problems}).`,
      });
    }
    const args = parsed.data as Record<string, unknown>;
    const policy = resolvePolicy(this.#policies, action.name);
    const now = this.#clock.now();
    const title = request.title ?? safeTitle(action, args);
    const record: StoredApproval = {
      id: "",
      tool: action.name,
      args,
      argsHash: hashArgs(args),
      requester: {
        principalId: request.requester.id,
        name: request.requester.name,
        chatUser: request.requester.chatUser,
      },
      thread: request.thread,
      policy,
      createdAt: now,
      expiresAt: now + policy.ttlMs,
      status: "pending",
      title,
    };
    const ttlMs = policy.ttlMs + APPROVAL_RETENTION_MS;

    let stored: string | undefined;
    for (let attempt = 0; attempt < 5 && stored === undefined; attempt++) {
      record.id = newApprovalId();
      const json = JSON.stringify(record);
      if (await this.#store.setIfAbsent(key(record.id), json, { ttlMs })) stored = json;
    }
    if (stored === undefined) throw new DaybookError("internal", "could not allocate a unique approval id");
    await indexPending(this.#store, record).catch((error: unknown) =>
      this.#log.warn("could not index the pending approval", { approvalId: record.id, error }),
    );

    await this.audit.append({
      approvalId: record.id,
      tool: record.tool,
      argsHash: record.argsHash,
      actor: { id: request.requester.id, name: request.requester.name },
      event: "requested",
      outcome: title,
    });
    this.#log.info("approval requested", { approvalId: record.id, tool: record.tool, requester: request.requester.id });

    let message: MessageRef;
    try {
      message = await post(approvalCard(record, this.#fields(record), title));
    } catch (error) {
      // Without a visible card nobody can decide it; leave it pending so a retry of the
      // post (or `approve <id>`) still works, and let the caller report the failure.
      this.#log.warn("approval card could not be posted", { approvalId: record.id, error: toDaybookError(error) });
      throw toDaybookError(error, "upstream_error");
    }
    const withMessage = await this.#update(record.id, (current) =>
      current.message ? undefined : { ...current, message },
    );
    return publicView(withMessage ?? { ...record, message });
  }

  /** The record; an approved one stuck without an outcome is recovered first (see `recover`). */
  async get(approvalId: string): Promise<Approval | undefined> {
    const id = normalizeId(approvalId);
    if (!id) return undefined;
    const raw = await this.#store.get(key(id));
    if (raw === undefined) return undefined;
    const approval = JSON.parse(raw) as StoredApproval;
    return publicView(this.#isStuck(approval) ? await this.#recover(approval) : approval);
  }

  /**
   * Finishes an approval that was approved but never got an outcome, e.g. because the
   * process died between the decision and the call. Runs the call if nobody started it
   * (the execution marker decides, so it still runs at most once), or records its result as
   * unknown when an earlier attempt started it and never reported. Does nothing to records
   * that are not approved, already have an outcome, or were decided less than
   * `recoverAfterMs` ago (their call may still be running).
   */
  async recover(approvalId: string): Promise<Approval | undefined> {
    const id = normalizeId(approvalId);
    if (!id) return undefined;
    const raw = await this.#store.get(key(id));
    if (raw === undefined) return undefined;
    const approval = JSON.parse(raw) as StoredApproval;
    return publicView(this.#isStuck(approval) ? await this.#recover(approval) : approval);
  }

  #isStuck(approval: StoredApproval): boolean {
    return (
      approval.status === "approved" &&
      approval.outcome === undefined &&
      this.#clock.now() - (approval.decidedAt ?? approval.createdAt) >= this.#recoverAfterMs
    );
  }

  async #recover(approval: StoredApproval): Promise<StoredApproval> {
    this.#log.warn("approved call has no outcome; recovering", {
      approvalId: approval.id,
      tool: approval.tool,
      decidedAt: approval.decidedAt,
    });
    const final = await this.#execute(approval, "recovery");
    if (final.outcome) await this.#replaceCard(final, decidedCard(final, this.#fields(final), final.title));
    return final;
  }

  async decide(approvalId: string, user: ChatUser, decision: DecisionKind, reason?: string): Promise<DecisionResult> {
    const id = normalizeId(approvalId);
    const principal = this.#principals.resolve(user);
    const cleanReason = reason?.replace(/\s+/g, " ").trim().slice(0, 500) || undefined;

    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const raw = id ? await this.#store.get(key(id)) : undefined;
      if (!id || raw === undefined) {
        return { kind: "not_found", notice: notFoundNotice(approvalId, id !== undefined) };
      }
      const approval = JSON.parse(raw) as StoredApproval;
      const fields = this.#fields(approval);

      const verdict = checkDecider(approval, principal);
      if (!verdict.allowed) {
        const notice = refusalNotice(verdict, approval.policy, (userId) => this.#nameOf(userId));
        await this.#auditEvent(approval, principal, "refused", `${decision}: ${verdict.reason.replace("_", " ")}`);
        this.#log.info("approval decision refused", { approvalId: approval.id, by: principal.id, why: verdict.reason });
        return { kind: "not_allowed", approval: publicView(approval), notice };
      }

      if (approval.status === "expired") return this.#expiredResult(approval, fields);
      if (approval.status !== "pending") {
        // An approval whose call never reported (crash, lost audit write) is finished here,
        // so a later click is never just "Already approved" with nothing done.
        const recovered = this.#isStuck(approval);
        const current = recovered ? await this.#recover(approval) : approval;
        return {
          kind: "already_decided",
          approval: publicView(current),
          notice: alreadyDecidedNotice(current, recovered),
          card: decidedCard(current, fields, current.title),
        };
      }

      const now = this.#clock.now();
      if (now >= approval.expiresAt) {
        const expired: StoredApproval = { ...approval, status: "expired" };
        if (!(await this.#store.compareAndSet(key(approval.id), raw, JSON.stringify(expired)))) continue;
        await this.#unindex(approval.id);
        await this.#auditAfterCas(expired, principal, "expired", `${decision} after ${formatTime(approval.expiresAt)}`);
        const result = this.#expiredResult(expired, fields);
        if (result.kind === "expired") await this.#replaceCard(expired, result.card);
        return result;
      }

      const decided: StoredApproval = {
        ...approval,
        status: decision === "approve" ? "approved" : "rejected",
        decidedBy: { principalId: principal.id, name: principal.name },
        decidedAt: now,
        ...(cleanReason ? { reason: cleanReason } : {}),
      };
      if (decided.status === "approved") await this.#store.mapSet(OPEN_APPROVALS_KEY, decided.id, String(now));
      // The one atomic transition: only the caller whose snapshot is still current wins.
      if (!(await this.#store.compareAndSet(key(approval.id), raw, JSON.stringify(decided)))) continue;
      await this.#unindex(approval.id);
      // From here the decision stands: a failed audit write must not stop the call, or the
      // record would stay approved with no outcome and every later click would say "Already approved".
      await this.#auditAfterCas(
        decided,
        principal,
        decided.status === "approved" ? "approved" : "rejected",
        cleanReason,
      );
      this.#log.info("approval decided", {
        approvalId: decided.id,
        tool: decided.tool,
        status: decided.status,
        by: principal.id,
      });

      const final = decided.status === "approved" ? await this.#start(decided) : decided;
      const card = decidedCard(final, fields, final.title);
      await this.#replaceCard(final, card);
      return { kind: "decided", approval: publicView(final), card };
    }
    throw new DaybookError("conflict", `approval ${approvalId} kept changing while being decided`);
  }

  /**
   * The pending approvals `user` may decide (with their cards) and the ones they asked for,
   * checked against each record's frozen policy exactly as a click would be.
   */
  async pendingFor(user: ChatUser): Promise<PendingFor> {
    const principal = this.#principals.resolve(user);
    const pending = await readPending(this.#store, this.#clock.now());
    const out: PendingFor = { decidable: [], requested: [] };
    for (const stored of pending) {
      const approval = publicView(stored);
      const action = this.#actions.get(stored.tool);
      const title = stored.title ?? (action ? safeTitle(action, stored.args) : stored.tool);
      if (checkDecider(stored, principal).allowed) {
        out.decidable.push({ approval, card: approvalCard(stored, this.#fields(stored), title) });
      } else if (stored.requester.principalId === principal.id) {
        out.requested.push({ approval, title });
      }
    }
    return out;
  }

  async #unindex(id: string): Promise<void> {
    await unindexPending(this.#store, id).catch((error: unknown) =>
      this.#log.warn("could not clear the pending-approval index", { approvalId: id, error }),
    );
  }

  /** Queues the approved call, or runs it here when there is no queue or the hand-off failed. */
  async #start(decided: StoredApproval): Promise<StoredApproval> {
    if (this.#dispatch) {
      try {
        await this.#dispatch(decided.id);
        return decided;
      } catch (error) {
        this.#log.warn("could not queue the approved call; running it now", {
          approvalId: decided.id,
          error: toDaybookError(error),
        });
      }
    }
    return this.#execute(decided, "decided");
  }

  /**
   * A worker's run of a queued approved call (ARCHITECTURE.md, decision 7). Runs it if nobody
   * started it; leaves a call another attempt started recently alone (it may still be
   * running; `sweep` comes back later and, if that attempt died, records the result as
   * unknown and says so in the thread). Updates the card once the outcome is known.
   */
  async runApproved(approvalId: string): Promise<Approval | undefined> {
    const id = normalizeId(approvalId);
    if (!id) return undefined;
    const raw = await this.#store.get(key(id));
    if (raw === undefined) {
      await this.#store.mapDelete(OPEN_APPROVALS_KEY, id);
      return undefined;
    }
    const approval = JSON.parse(raw) as StoredApproval;
    if (approval.status !== "approved" || approval.outcome !== undefined) {
      await this.#store.mapDelete(OPEN_APPROVALS_KEY, id);
      return publicView(approval);
    }
    const final = await this.#execute(approval, "recovery");
    if (final.outcome) await this.#replaceCard(final, decidedCard(final, this.#fields(final), final.title));
    return publicView(final);
  }

  /**
   * Finds approved records that still have no outcome `graceMs` after the decision and
   * hands them to the queue again (or runs them here without one). Run periodically by one
   * replica at a time (src/approvals/sweep.ts). Returns how many were handed on.
   */
  async sweep(graceMs: number): Promise<number> {
    const open = await this.#store.mapGetAll(OPEN_APPROVALS_KEY);
    const now = this.#clock.now();
    let handed = 0;
    for (const [id, at] of Object.entries(open)) {
      const raw = await this.#store.get(key(id));
      const approval = raw === undefined ? undefined : (JSON.parse(raw) as StoredApproval);
      if (
        !approval ||
        approval.outcome !== undefined ||
        (approval.status !== "approved" && approval.status !== "pending")
      ) {
        await this.#store.mapDelete(OPEN_APPROVALS_KEY, id);
        continue;
      }
      // Pending: the approving write never landed (a blip between the index and the
      // compare-and-set); the record stays decidable and leaves the index after the grace.
      if (approval.status === "pending") {
        if (now - Number(at) >= graceMs) await this.#store.mapDelete(OPEN_APPROVALS_KEY, id);
        continue;
      }
      if (now - (approval.decidedAt ?? Number(at)) < graceMs) continue;
      handed++;
      if (this.#dispatch) {
        try {
          await this.#dispatch(id);
          continue;
        } catch (error) {
          this.#log.warn("sweep could not queue an approved call; running it here", {
            approvalId: id,
            error: toDaybookError(error),
          });
        }
      }
      await this.runApproved(id);
    }
    return handed;
  }

  /**
   * Runs an approved call at most once: the execution marker is claimed before the side
   * effect, and only records already approved in the store get here (the winner of the
   * pending->approved compare-and-set, or recovery reading an approved record).
   */
  async #execute(approval: StoredApproval, via: "decided" | "recovery"): Promise<StoredApproval> {
    const markerKey = `approval:${approval.id}:executed`;
    const claimed = await this.#store.setIfAbsent(markerKey, JSON.stringify({ at: this.#clock.now() }), {
      ttlMs: approval.policy.ttlMs + APPROVAL_RETENTION_MS,
    });
    let outcome: ApprovalOutcome;
    let unknown = false;
    if (claimed) {
      outcome = await this.#run(approval);
    } else {
      if (via === "recovery") {
        // Another replica may have claimed it a moment ago and still be running the call:
        // only a marker older than the grace period means that attempt died.
        const marker = await this.#readMarker(markerKey);
        if (marker && this.#clock.now() - marker.at < this.#recoverAfterMs) return approval;
      }
      // The call was started by an attempt that never recorded a result; running it again
      // could write twice, so say plainly that nobody knows what happened.
      this.#log.warn("approved call was already started; not running it again", { approvalId: approval.id });
      unknown = true;
      outcome = {
        ok: false,
        summary:
          "An earlier attempt already started this call but its result was not recorded; check the target system before asking again.",
      };
    }

    let stored: StoredApproval;
    try {
      stored =
        (await this.#update(approval.id, (current) => {
          if (current.status !== "approved") return undefined;
          // A real outcome replaces an "unknown" one written by recovery; nothing replaces a real one.
          if (current.outcome && (unknown || !current.outcomeUnknown)) return undefined;
          const { outcomeUnknown: _previous, ...rest } = current;
          return unknown ? { ...rest, outcome, outcomeUnknown: true } : { ...rest, outcome };
        })) ?? ({ ...approval, outcome } satisfies StoredApproval);
    } catch (error) {
      // The call has run; losing the record write must not hide its result from the thread.
      this.#log.error("could not record the approval outcome", {
        approvalId: approval.id,
        error: toDaybookError(error),
      });
      stored = { ...approval, outcome };
    }
    if (stored.outcome !== outcome) return stored;
    await this.#store
      .mapDelete(OPEN_APPROVALS_KEY, approval.id)
      .catch((error: unknown) =>
        this.#log.warn("could not clear the open-approval index", { approvalId: approval.id, error }),
      );

    await this.#bestEffortAudit({
      approvalId: approval.id,
      tool: approval.tool,
      argsHash: approval.argsHash,
      actor: { id: "daybook", name: "daybook" },
      event: outcome.ok ? "executed" : "failed",
      outcome: outcome.summary,
    });
    if (this.#post) {
      const thread = resultThread(stored);
      await this.#post(thread, resultCard(stored, stored.title)).catch((error: unknown) =>
        this.#log.warn("could not post the approval result", { approvalId: approval.id, error: toDaybookError(error) }),
      );
    }
    return stored;
  }

  async #readMarker(markerKey: string): Promise<ExecutionMarker | undefined> {
    const raw = await this.#store.get(markerKey);
    if (raw === undefined) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<ExecutionMarker>;
      return typeof parsed.at === "number" ? { at: parsed.at } : undefined;
    } catch {
      return undefined;
    }
  }

  async #replaceCard(approval: Approval, card: Card): Promise<void> {
    if (!this.#updateCard || !approval.message) return;
    await this.#updateCard(approval.message, card).catch((error: unknown) =>
      this.#log.warn("could not update the approval card", { approvalId: approval.id, error: toDaybookError(error) }),
    );
  }

  async #run(approval: StoredApproval, previous: StepOutcome[] = []): Promise<ApprovalOutcome> {
    const action = this.#actions.get(approval.tool);
    if (!action) {
      return { ok: false, summary: `daybook no longer knows the action "${approval.tool}", so nothing was changed.` };
    }
    const parsed = action.schema.safeParse(approval.args);
    if (!parsed.success) {
      return { ok: false, summary: "The stored arguments no longer pass validation, so nothing was changed." };
    }
    // The card showed the hash of the stored arguments; run only if exactly those arguments
    // are what executes (a schema transform or an edited record would change them).
    if (hashArgs(approval.args) !== approval.argsHash || hashArgs(parsed.data) !== approval.argsHash) {
      this.#log.error("approved arguments do not match the hash on the card", {
        approvalId: approval.id,
        tool: approval.tool,
      });
      return {
        ok: false,
        summary: "The arguments to run differ from the ones shown on the card, so nothing was changed.",
      };
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DaybookError("timeout", `${approval.tool} did not answer in time`)),
        this.#executeTimeoutMs,
      );
    });
    const call = action.steps
      ? runSteps(
          approval.id,
          action.steps(parsed.data),
          {
            store: this.#store,
            clock: this.#clock,
            ttlMs: approval.policy.ttlMs + APPROVAL_RETENTION_MS,
            describeError: (error) => this.#failureSummary(approval, error),
          },
          previous,
        )
      : action.execute(parsed.data, { idempotencyKey: approval.id });
    try {
      return await Promise.race([call, timeout]);
    } catch (error) {
      if (isDaybookError(error) && error.code === "timeout") {
        this.#log.error("approved call timed out", { approvalId: approval.id, tool: approval.tool });
        return {
          ok: false,
          summary: `The connected system did not answer within ${Math.round(this.#executeTimeoutMs / 1000)} s; the change may still go through, so check it before asking again.`,
        };
      }
      return { ok: false, summary: this.#failureSummary(approval, error) };
    } finally {
      clearTimeout(timer);
    }
  }

  #failureSummary(approval: StoredApproval, error: unknown): string {
    // Logged once: an unexpected failure at error with its stack, a connector's refusal below.
    const facing = reportError(this.#log, error, {
      msg: "approved call failed",
      component: "approvals",
      fields: { approvalId: approval.id, tool: approval.tool },
    });
    // Only userMessage is written for people; raw messages may carry upstream payloads.
    const summary = isDaybookError(error) ? facing.text : "A connected system returned an error.";
    return `${summary} (approval ${approval.id}, trace ${facing.traceId}; details are in the logs)`;
  }

  /**
   * "Retry failed steps" on a change set's result: runs only the steps that failed (their
   * markers were released; the ones that ran keep theirs), for the requester or anyone the
   * record's policy lets decide it. One retry at a time: a compare-and-set claims it, so a
   * double click runs the failed steps once.
   */
  async retryFailedSteps(approvalId: string, user: ChatUser): Promise<DecisionResult> {
    const id = normalizeId(approvalId);
    const raw = id ? await this.#store.get(key(id)) : undefined;
    if (!id || raw === undefined) return { kind: "not_found", notice: notFoundNotice(approvalId, id !== undefined) };
    const approval = JSON.parse(raw) as StoredApproval;
    const principal = this.#principals.resolve(user);
    const verdict = checkDecider(approval, principal);
    if (!verdict.allowed && principal.id !== approval.requester.principalId) {
      return {
        kind: "not_allowed",
        approval: publicView(approval),
        notice: refusalNotice(verdict, approval.policy, (u) => this.#nameOf(u)),
      };
    }
    const now = this.#clock.now();
    const busy = approval.retryingAt !== undefined && now - approval.retryingAt < this.#recoverAfterMs;
    if (approval.status !== "approved" || !hasFailedSteps(approval.outcome) || busy) {
      return {
        kind: "already_decided",
        approval: publicView(approval),
        notice: busy ? "These steps are being retried right now." : "Nothing to retry: no step of this change failed.",
        card: resultCard(approval, approval.title),
      };
    }
    const claimed: StoredApproval = { ...approval, retryingAt: now };
    if (!(await this.#store.compareAndSet(key(id), raw, JSON.stringify(claimed)))) {
      return {
        kind: "already_decided",
        approval: publicView(approval),
        notice: "Someone else is retrying these steps.",
        card: resultCard(approval, approval.title),
      };
    }
    this.#log.info("retrying failed steps", { approvalId: id, tool: approval.tool, by: principal.id });
    const outcome = await this.#run(claimed, approval.outcome?.steps ?? []);
    const final = (await this.#update(id, (current) => {
      const { retryingAt: _done, ...rest } = current;
      return { ...rest, outcome };
    })) ?? { ...approval, outcome };
    await this.#bestEffortAudit({
      approvalId: id,
      tool: approval.tool,
      argsHash: approval.argsHash,
      actor: { id: principal.id, name: principal.name },
      event: outcome.ok ? "executed" : "failed",
      outcome: `retry of failed steps: ${outcome.summary}`,
    });
    await this.#replaceCard(final, decidedCard(final, this.#fields(final), final.title));
    return { kind: "decided", approval: publicView(final), card: resultCard(final, final.title) };
  }

  /** Read-modify-CAS until it sticks; `change` returns undefined when nothing needs writing. */
  async #update(
    id: string,
    change: (current: StoredApproval) => StoredApproval | undefined,
  ): Promise<StoredApproval | undefined> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const raw = await this.#store.get(key(id));
      if (raw === undefined) return undefined;
      const current = JSON.parse(raw) as StoredApproval;
      const next = change(current);
      if (!next) return current;
      if (await this.#store.compareAndSet(key(id), raw, JSON.stringify(next))) return next;
    }
    throw new DaybookError("conflict", `approval ${id} kept changing while being updated`);
  }

  #expiredResult(approval: StoredApproval, fields: CardField[]): DecisionResult {
    return {
      kind: "expired",
      approval: publicView(approval),
      notice: `This approval expired at ${shownTime(approval.expiresAt)} and can no longer be approved. Ask again to create a new one.`,
      card: decidedCard(approval, fields, approval.title),
    };
  }

  async #auditEvent(
    approval: Approval,
    principal: Principal,
    event: "approved" | "rejected" | "expired" | "refused",
    outcome?: string,
  ): Promise<void> {
    await this.audit.append(auditEntry(approval, principal, event, outcome));
  }

  /** After a state change has been stored, the audit line must never undo or block it. */
  async #auditAfterCas(
    approval: Approval,
    principal: Principal,
    event: "approved" | "rejected" | "expired",
    outcome?: string,
  ): Promise<void> {
    await this.#bestEffortAudit(auditEntry(approval, principal, event, outcome));
  }

  async #bestEffortAudit(entry: Parameters<AuditLog["append"]>[0]): Promise<void> {
    try {
      await this.audit.append(entry);
    } catch (error) {
      this.#log.error("could not append to the audit log", {
        approvalId: entry.approvalId,
        event: entry.event,
        error: toDaybookError(error),
      });
    }
  }

  #fields(approval: Approval): CardField[] {
    const action = this.#actions.get(approval.tool);
    if (action) {
      const parsed = action.schema.safeParse(approval.args);
      if (parsed.success) {
        try {
          return withUnshownArgs(action.describe(parsed.data), approval.args);
        } catch (error) {
          this.#log.warn("describe() failed; showing raw arguments", {
            tool: approval.tool,
            error: toDaybookError(error),
          });
        }
      }
    }
    return Object.entries(approval.args).map(([label, value]) => ({
      label,
      value: typeof value === "string" ? value : JSON.stringify(value),
    }));
  }

  #nameOf(userId: string): string | undefined {
    // Config users are reachable as console identities (src/bot/principals.ts), which gives
    // their display name without a second copy of the user list here.
    const principal = this.#principals.resolve({ platform: "console", id: userId });
    return principal.id === userId ? principal.name : undefined;
  }
}

export { canonicalJson, hashArgs, newApprovalId } from "./approval-records.ts";
