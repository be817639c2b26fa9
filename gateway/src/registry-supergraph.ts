import fs from "node:fs";
import path from "node:path";
import type { SupergraphManager, SupergraphSdlHook } from "@apollo/gateway";
import type { EventBus, Logger } from "@solo/kit";
import { signServiceToken } from "@solo/kit";
import { LAUNCH_EVENT, ROUTER_CONFIG_QUERY } from "@solo/registry";

type HookOptions = Parameters<SupergraphSdlHook>[0];

export interface RegistrySourceOptions {
  /** The registry's base URL; the protocol is served at `<url>/uplink`. */
  url: string;
  /** A registry:read API key; without one, a platform service token signed for each poll. */
  apiKey?: string;
  graphRef: string;
  logger: Logger;
  /** Where the registry says "a new launch": the gateway polls at once instead of waiting. */
  bus?: EventBus;
  /** How long start-up waits for a first launch (the registry may start alongside). */
  initialWaitMs?: number;
  /** Called after a launch is being served, with its id. */
  onLaunch?: (launchId: string) => void;
  /**
   * Why a supergraph must not be served (it routes somewhere the gateway does not trust), or
   * undefined: such a launch is refused (at start: the gateway does not start) and counted.
   */
  refuse?: (supergraphSdl: string) => string | undefined;
  /** Counts each launch refused (by `refuse`) or unusable. */
  onRefused?: (reason: string) => void;
  /** A file the last supergraph served is kept in, to start from when the registry cannot be reached at start. */
  cachePath?: string;
}

type RouterConfig =
  | { __typename: "RouterConfigResult"; id: string; supergraphSDL: string; minDelaySeconds: number }
  | { __typename: "Unchanged"; id: string; minDelaySeconds: number }
  | { __typename: "FetchError"; code: string; message: string };

class UplinkFetchError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }

  /** No launch yet, or the registry down for a moment: worth asking again. */
  get transient(): boolean {
    return this.code === "RETRY_LATER" || /^HTTP_5\d\d$/.test(this.code);
  }
}

/** Without an answer, the registry is asked again after this long (it says nothing of its own delay). */
const RETRY_DELAY_SECONDS = 5;
/** The registry's delay is believed within these bounds: a missing or absurd one must not make a tight loop, nor a silent gateway. */
const MIN_DELAY_SECONDS = 1;
const MAX_DELAY_SECONDS = 3_600;
/** With a kept supergraph to start from, start-up waits this long for the registry at most. */
const CACHED_START_WAIT_MS = 5_000;

function delayOf(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return RETRY_DELAY_SECONDS;
  return Math.min(MAX_DELAY_SECONDS, Math.max(MIN_DELAY_SECONDS, value));
}

/** An Uplink answer as the gateway may act on it; anything else is an INVALID_ANSWER. */
function checkedConfig(config: RouterConfig): RouterConfig {
  if (config.__typename === "FetchError") return config;
  if (typeof config.id !== "string" || !config.id || config.id.length > 200) throw new UplinkFetchError("INVALID_ANSWER", "the answer has no launch id");
  if (config.__typename === "RouterConfigResult" && (typeof config.supergraphSDL !== "string" || !config.supergraphSDL.trim())) {
    throw new UplinkFetchError("INVALID_ANSWER", "the answer has no supergraph");
  }
  if (config.__typename !== "RouterConfigResult" && config.__typename !== "Unchanged") throw new UplinkFetchError("INVALID_ANSWER", "the answer is of no known type");
  return { ...config, minDelaySeconds: delayOf(config.minDelaySeconds) };
}

/** One poll may take this long. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The gateway's supergraph from the schema registry, over Apollo's Uplink protocol (the same the
 * registry serves stock gateways and Apollo Router). Polls no sooner than the registry's
 * `minDelaySeconds`, and at once when the bus says a launch was made. A new supergraph goes to
 * @apollo/gateway's `update`, which swaps its schema and planner for the next requests: those
 * already executing finish on the plan they started with.
 */
export class RegistrySupergraphManager implements SupergraphManager {
  private launch?: string;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  /** An event came while a poll was under way: poll again when it ends. */
  private again = false;
  private stopped = false;
  private unsubscribe?: () => void;

  constructor(private readonly options: RegistrySourceOptions) {}

  /** The launch being served (variants' schemas are fetched for it). */
  get launchId(): string | undefined {
    return this.launch;
  }

  async initialize({ update }: HookOptions) {
    const first = await this.firstLaunch();
    this.launch = first.id;
    this.unsubscribe = await this.options.bus?.subscribe(LAUNCH_EVENT, (payload) => {
      if (payload.launchId !== this.launch) this.pollNow(update);
    });
    this.schedule(update, first.minDelaySeconds);
    // The gateway serves the first supergraph when this returns; the launch is announced after.
    queueMicrotask(() => this.options.onLaunch?.(first.id));
    return {
      supergraphSdl: first.supergraphSDL,
      cleanup: async () => {
        this.stopped = true;
        clearTimeout(this.timer);
        this.unsubscribe?.();
        await this.polling;
      },
    };
  }

  /** Asks until a launch is there, or the wait is over (the registry may still be starting); then the kept supergraph, if any. */
  private async firstLaunch(): Promise<Extract<RouterConfig, { __typename: "RouterConfigResult" }>> {
    const kept = this.keptLaunch();
    const deadline = Date.now() + (kept ? Math.min(CACHED_START_WAIT_MS, this.options.initialWaitMs ?? 60_000) : (this.options.initialWaitMs ?? 60_000));
    for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        const answer = await this.fetchConfig(undefined);
        if (answer.__typename === "RouterConfigResult") {
          const refused = this.options.refuse?.(answer.supergraphSDL);
          if (refused) {
            this.options.onRefused?.("routing");
            throw new UplinkFetchError("ROUTING_REFUSED", `launch ${answer.id} is refused: ${refused}`);
          }
          this.keep(answer);
          return answer;
        }
      } catch (error) {
        // A refused key or an unknown graph ref does not get better by waiting.
        if (error instanceof UplinkFetchError && !error.transient && error.code !== "INVALID_ANSWER") throw error;
        if (Date.now() + delay > deadline) {
          if (!kept) throw error;
          this.options.logger.warn(
            { err: error, registry: this.options.url, launchId: kept.id, cachePath: this.options.cachePath },
            "the registry cannot be reached: starting from the last supergraph served, kept on disk",
          );
          return { __typename: "RouterConfigResult", id: kept.id, supergraphSDL: kept.supergraphSDL, minDelaySeconds: RETRY_DELAY_SECONDS };
        }
        this.options.logger.info({ err: error, registry: this.options.url }, "no supergraph from the registry yet: asking again");
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** The supergraph kept by the last start or swap, if there is a readable one. */
  private keptLaunch(): { id: string; supergraphSDL: string } | undefined {
    if (!this.options.cachePath) return undefined;
    try {
      const kept = JSON.parse(fs.readFileSync(this.options.cachePath, "utf8")) as { id?: unknown; supergraphSDL?: unknown };
      if (typeof kept.id === "string" && kept.id && typeof kept.supergraphSDL === "string" && kept.supergraphSDL)
        return { id: kept.id, supergraphSDL: kept.supergraphSDL };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        this.options.logger.warn({ err: error, cachePath: this.options.cachePath }, "the kept supergraph is unreadable");
    }
    return undefined;
  }

  /** Keeps a served supergraph on disk (written whole, then renamed: a crash leaves the previous one). */
  private keep(launch: { id: string; supergraphSDL: string }) {
    const file = this.options.cachePath;
    if (!file) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const partial = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, JSON.stringify({ id: launch.id, supergraphSDL: launch.supergraphSDL }));
      fs.renameSync(partial, file);
    } catch (error) {
      this.options.logger.warn({ err: error, cachePath: file }, "could not keep the supergraph on disk");
    }
  }

  private schedule(update: HookOptions["update"], seconds: number) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pollNow(update), delayOf(seconds) * 1000);
    this.timer.unref();
  }

  private pollNow(update: HookOptions["update"]) {
    if (this.stopped) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.polling = this.poll(update).finally(() => {
      this.polling = undefined;
      if (this.again) {
        this.again = false;
        this.pollNow(update);
      }
    });
  }

  private async poll(update: HookOptions["update"]) {
    let delay = RETRY_DELAY_SECONDS;
    try {
      const answer = await this.fetchConfig(this.launch);
      if (this.stopped) return;
      if (answer.__typename === "RouterConfigResult") {
        delay = answer.minDelaySeconds;
        const refused = answer.id !== this.launch ? this.options.refuse?.(answer.supergraphSDL) : undefined;
        if (refused) {
          this.options.onRefused?.("routing");
          this.options.logger.error({ launchId: answer.id }, `a launch is refused, the current one stays: ${refused}`);
        } else if (answer.id !== this.launch) {
          update(answer.supergraphSDL);
          this.launch = answer.id;
          this.keep(answer);
          this.options.logger.info({ launchId: answer.id }, "serving a new supergraph from the registry");
          this.options.onLaunch?.(answer.id);
        }
      } else if (answer.__typename === "Unchanged") {
        delay = answer.minDelaySeconds;
      }
    } catch (error) {
      if (error instanceof UplinkFetchError && error.code === "INVALID_ANSWER") this.options.onRefused?.("invalid_answer");
      // The schema being served stays; the registry is asked again.
      this.options.logger.warn({ err: error, registry: this.options.url }, "could not fetch the supergraph from the registry");
    }
    this.schedule(update, delay);
  }

  private async fetchConfig(ifAfterId: string | undefined): Promise<RouterConfig> {
    const apiKey = this.options.apiKey ?? (await signServiceToken("gateway"));
    const response = await fetch(new URL("/uplink", this.options.url), {
      method: "POST",
      headers: { "content-type": "application/json", "apollographql-client-name": "solo-gateway" },
      body: JSON.stringify({ query: ROUTER_CONFIG_QUERY, variables: { apiKey, ref: this.options.graphRef, ifAfterId: ifAfterId ?? null } }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new UplinkFetchError("HTTP_" + response.status, `the registry answered ${response.status}`);
    const body = (await response.json()) as { data?: { routerConfig?: RouterConfig }; errors?: { message: string }[] };
    const config = body.data?.routerConfig;
    if (!config) throw new UplinkFetchError("INVALID_ANSWER", body.errors?.[0]?.message ?? "no routerConfig in the answer");
    if (config.__typename === "FetchError") throw new UplinkFetchError(String(config.code), String(config.message));
    return checkedConfig(config);
  }
}
