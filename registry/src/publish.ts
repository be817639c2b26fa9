import type { Pool } from "pg";
import type { PublishResult, SubgraphVersion } from "./api-types";
import { compose, parseSdl, sha256 } from "./composition";
import { RegistryError } from "./errors";
import type { Limiter } from "./limiter";
import { currentLaunch, currentState, insertLaunch, insertVersion, summaryOf } from "./store";

/** Publishes take this transaction-scoped advisory lock to store: each launch follows the one it composed against. */
const PUBLISH_LOCK = 4_100_014;
/** Another publish landing between composing and storing sends this one round again; past this many rounds it gives up (503). */
const MAX_ROUNDS = 10;

export interface PublishInput {
  subgraph: string;
  url: string;
  sdl: string;
  author?: string;
  commit?: string;
}

/**
 * Stores a subgraph version and the launch that composes it with the current versions of the
 * others, or nothing: SDL that does not parse is INVALID_SDL, a set that does not compose is
 * COMPOSITION_FAILED with each error. The same SDL and URL as the current version is no change.
 * It composes holding no connection and no lock (that takes seconds on a large graph), then stores
 * under the lock only if the launch it composed against is still the current one, else goes again.
 */
export async function publishSubgraph(pool: Pool, limiter: Limiter, input: PublishInput): Promise<{ created: boolean; result: PublishResult }> {
  parseSdl(input.subgraph, input.sdl);
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const { launch, versions } = await currentState(pool);
    const existing = versions.find((version) => version.subgraph === input.subgraph);
    if (launch && existing && existing.sdl === input.sdl && existing.url === input.url) {
      return { created: false, result: { version: summaryOfVersion(existing), launch: summaryOf(launch), unchanged: true } };
    }
    const others = versions.filter((version) => version.subgraph !== input.subgraph);
    const composed = await limiter.run(() =>
      compose([...others.map(({ subgraph, url, sdl }) => ({ name: subgraph, url, sdl })), { name: input.subgraph, url: input.url, sdl: input.sdl }]),
    );
    if (!composed.ok) {
      throw new RegistryError(422, "COMPOSITION_FAILED", `${input.subgraph} does not compose with the current subgraphs: ${composed.errors[0].message}`, {
        errors: composed.errors,
      });
    }
    const stored = await storeIfCurrent(pool, launch?.id ?? null, input, others, composed);
    if (stored) return { created: true, result: stored };
  }
  throw new RegistryError(503, "SERVICE_UNAVAILABLE", "other publishes kept changing the graph while this one composed: retry");
}

/** Stores the version and its launch if `expectedLaunch` is still the current launch; null when another publish came first. */
async function storeIfCurrent(
  pool: Pool,
  expectedLaunch: string | null,
  input: PublishInput,
  others: SubgraphVersion[],
  composed: { supergraphSdl: string; apiSdl: string },
): Promise<PublishResult | null> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("select pg_advisory_xact_lock($1)", [PUBLISH_LOCK]);
    if (((await currentLaunch(client))?.id ?? null) !== expectedLaunch) {
      await client.query("rollback");
      return null;
    }
    const stored = await insertVersion(client, { ...input, hash: sha256(input.sdl) });
    const launch = await insertLaunch(client, {
      trigger: { subgraph: input.subgraph, versionId: stored.id },
      supergraphSdl: composed.supergraphSdl,
      supergraphHash: sha256(composed.supergraphSdl),
      apiSdl: composed.apiSdl,
      apiHash: sha256(composed.apiSdl),
      members: [...others.map((version) => ({ subgraph: version.subgraph, versionId: version.id })), { subgraph: input.subgraph, versionId: stored.id }],
    });
    await client.query("commit");
    return { version: summaryOfVersion(stored), launch: summaryOf(launch) };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const summaryOfVersion = ({ sdl: _sdl, subgraph: _subgraph, ...version }: SubgraphVersion): PublishResult["version"] => version;
