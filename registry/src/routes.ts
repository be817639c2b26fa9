import type { Request, Response } from "express";
import { Router } from "express";
import type { Pool } from "pg";
import { isUuid } from "@solo/kit";
import { boundVariant, callerName, requireScope } from "./auth";
import { checkSubgraph } from "./checks";
import { RegistryError } from "./errors";
import type { SchemaHistory } from "./history";
import type { Limiter } from "./limiter";
import { badRequest, freeText, httpUrl, name, objectBody, positiveInt, sdlText, tagList } from "./input";
import { coordinateUsage, publishOperations, recordUsage, trustedOperation } from "./operations";
import { publishSubgraph } from "./publish";
import type { LaunchSummary, Variant } from "./api-types";
import type { Launch } from "./store";
import { filterApiSchema, servesQueries } from "./variants";
import {
  allVariants,
  currentLaunch,
  currentSubgraph,
  currentVersions,
  launchById,
  launchSummaries,
  launchesByIds,
  upsertVariant,
  variantByName,
  versionById,
  versionsOf,
} from "./store";

interface RouteContext {
  pool: Pool;
  history: SchemaHistory;
  /** Compositions (publishes and checks) run through it. */
  composeLimiter: Limiter;
  checkUsageDays: number;
  onLaunch: (launchId: string) => void;
  /** A variant's filter was set: gateways serving it must load its schema again. */
  onVariant: (name: string) => void;
}

/** Reads of the whole graph: refused to a key bound to a variant. */
const read = requireScope("registry:read");
/** Reads that answer a key bound to a variant with that variant's schema only. */
const readFiltered = requireScope("registry:read", { variantFiltered: true });
const write = requireScope("registry:write");

/** Every route of the registry's HTTP API but /uplink (its table is in the README). */
export function registryRoutes(context: RouteContext): Router {
  const { pool, history } = context;
  const router = Router();

  router.post("/subgraphs/:name/versions", write, async (req, res) => {
    const body = objectBody(req.body);
    const subgraph = name(req.params.name, "the subgraph's name");
    const { created, result } = await publishSubgraph(pool, context.composeLimiter, {
      subgraph,
      sdl: sdlText(body.sdl),
      url: httpUrl(body.url, "url"),
      author: freeText(body.author, "author", 200) ?? callerName(req.caller!),
      commit: freeText(body.commit, "commit", 200),
    });
    if (created) context.onLaunch(result.launch.id);
    res.status(created ? 201 : 200).json(result);
  });

  router.get("/subgraphs", read, async (_req, res) => {
    res.json({ subgraphs: (await currentVersions(pool)).map(currentSubgraph) });
  });

  router.get("/subgraphs/:name/versions", read, async (req, res) => {
    const subgraph = name(req.params.name, "the subgraph's name");
    const versions = await versionsOf(pool, subgraph);
    if (!versions) throw unknownSubgraph(subgraph);
    res.json({ subgraph, versions });
  });

  router.get("/subgraphs/:name/versions/:id", read, async (req, res) => {
    const subgraph = name(req.params.name, "the subgraph's name");
    const id = String(req.params.id);
    const version = isUuid(id) ? await versionById(pool, subgraph, id) : null;
    if (!version) throw new RegistryError(404, "UNKNOWN_VERSION", `${subgraph} has no version ${id.slice(0, 80)}`);
    res.json(version);
  });

  router.post("/subgraphs/:name/checks", read, async (req, res) => {
    const body = objectBody(req.body);
    const subgraph = name(req.params.name, "the subgraph's name");
    const url = body.url === undefined ? undefined : httpUrl(body.url, "url");
    res.json(await checkSubgraph(pool, context.composeLimiter, context.checkUsageDays, subgraph, { sdl: sdlText(body.sdl), url }));
  });

  router.get("/schema/supergraph.graphql", read, async (req, res) => {
    const launch = await launchAt(pool, req.query.version);
    sendSchema(req, res, launch.supergraphSdl, launch.supergraphHash);
  });

  router.get("/schema/api.graphql", readFiltered, async (req, res) => {
    const launch = await launchAt(pool, req.query.version);
    const bound = boundVariant(req.caller!);
    const api = bound ? history.variantApi(launch, await variantNamed(pool, bound)) : { sdl: launch.apiSdl, hash: launch.apiHash };
    sendSchema(req, res, api.sdl, api.hash);
  });

  router.get("/schema/versions", read, async (_req, res) => {
    res.json({ versions: await launchSummaries(pool) });
  });

  router.get("/schema/changelog", readFiltered, async (req, res) => {
    const limit = positiveInt(req.query.limit, "limit", 50, 500);
    const bound = boundVariant(req.caller!);
    if (bound) {
      res.json({ entries: await variantChangelog(context, await variantNamed(pool, bound), limit) });
      return;
    }
    const load = (ids: string[]) => launchesByIds(pool, ids);
    const entries = await history.changelog(await launchSummaries(pool), limit, load, (launch) => ({ hash: launch.apiHash, sdl: launch.apiSdl }), apiDiffers);
    res.json({ entries });
  });

  router.get("/schema/diff", readFiltered, async (req, res) => {
    if (!req.query.from || !req.query.to) throw badRequest("a diff needs both from and to: launch ids (GET /schema/versions or the changelog lists them)");
    const from = await launchAt(pool, req.query.from, "from");
    const to = await launchAt(pool, req.query.to, "to");
    const bound = boundVariant(req.caller!);
    const apiOf = async (launch: Launch) => (bound ? history.variantApi(launch, await variantNamed(pool, bound)) : { hash: launch.apiHash, sdl: launch.apiSdl });
    res.json({ from: from.id, to: to.id, changes: await history.changesBetween(await apiOf(from), await apiOf(to)) });
  });

  router.put("/variants/:name", write, async (req, res) => {
    const body = objectBody(req.body);
    const variantName = name(req.params.name, "the variant's name");
    if (variantName === "current") throw badRequest("current is the whole graph's variant (solo@current): choose another name");
    const filter = { include: tagList(body.include, "include"), exclude: tagList(body.exclude, "exclude") };
    const launch = await currentLaunch(pool);
    // A filter that leaves no Query serves nothing a client could ask: refuse it while it can still be fixed.
    if (launch && !servesQueries(filterApiSchema(launch.apiSdl, launch.supergraphSdl, filter))) {
      throw badRequest(`this filter leaves no Query type in the current API schema (launch ${launch.id}): nothing could be asked of the variant`);
    }
    const variant = await upsertVariant(pool, { name: variantName, ...filter });
    context.onVariant(variantName);
    res.json(variant);
  });

  router.get("/variants", readFiltered, async (req, res) => {
    const bound = boundVariant(req.caller!);
    res.json({ variants: (await allVariants(pool)).filter((variant) => !bound || variant.name === bound) });
  });

  router.get("/variants/:name/schema/api.graphql", readFiltered, async (req, res) => {
    const variant = await readableVariant(pool, req, String(req.params.name));
    const launch = await launchAt(pool, req.query.version);
    const api = history.variantApi(launch, variant);
    sendSchema(req, res, api.sdl, api.hash);
  });

  router.get("/variants/:name/schema/changelog", readFiltered, async (req, res) => {
    const variant = await readableVariant(pool, req, String(req.params.name));
    const limit = positiveInt(req.query.limit, "limit", 50, 500);
    res.json({ entries: await variantChangelog(context, variant, limit) });
  });

  router.post("/operations", write, async (req, res) => {
    res.json(await publishOperations(pool, req.body));
  });

  router.get("/operations/:hash", read, async (req, res) => {
    res.json(await trustedOperation(pool, String(req.params.hash)));
  });

  router.post("/usage", write, async (req, res) => {
    res.status(202).json(await recordUsage(pool, req.body));
  });

  router.get("/usage/coordinates/:coordinate", read, async (req, res) => {
    const days = positiveInt(req.query.days, "days", 30, 366);
    res.json(await coordinateUsage(pool, String(req.params.coordinate), days));
  });

  return router;
}

/** The API's text changes only when its hash does. */
const apiDiffers = (older: LaunchSummary, newer: LaunchSummary) => older.apiHash !== newer.apiHash;
/** A variant's API is the API filtered by the supergraph's tags: it changes only when the supergraph does. */
const supergraphDiffers = (older: LaunchSummary, newer: LaunchSummary) => older.supergraphHash !== newer.supergraphHash;

async function variantChangelog({ pool, history }: RouteContext, variant: Variant, limit: number) {
  const load = (ids: string[]) => launchesByIds(pool, ids);
  return history.changelog(await launchSummaries(pool), limit, load, (launch) => history.variantApi(launch, variant), supergraphDiffers);
}

function unknownSubgraph(subgraph: string): RegistryError {
  return new RegistryError(404, "UNKNOWN_SUBGRAPH", `no subgraph ${subgraph} was ever published`);
}

/** The launch a `?version=` names, or the current one. */
async function launchAt(pool: Pool, version: unknown, parameter = "version"): Promise<Launch> {
  if (version === undefined) {
    const launch = await currentLaunch(pool);
    if (!launch) throw new RegistryError(404, "UNKNOWN_VERSION", "nothing has been published yet");
    return launch;
  }
  if (typeof version !== "string") throw badRequest(`${parameter} must be a launch id`);
  const launch = isUuid(version) ? await launchById(pool, version) : null;
  if (!launch) throw new RegistryError(404, "UNKNOWN_VERSION", `no launch ${version.slice(0, 80)} (${parameter})`);
  return launch;
}

async function variantNamed(pool: Pool, variantName: string) {
  const variant = await variantByName(pool, variantName);
  if (!variant) throw new RegistryError(404, "UNKNOWN_VARIANT", `no variant ${variantName.slice(0, 80)}`);
  return variant;
}

/** A key bound to a variant reads that one only. */
async function readableVariant(pool: Pool, req: Request, variantName: string) {
  const bound = boundVariant(req.caller!);
  if (bound && bound !== variantName) throw new RegistryError(403, "FORBIDDEN", `this API key is bound to variant ${bound}`);
  return variantNamed(pool, variantName);
}

/** A schema as text with a strong ETag (`hash` is the sha256 of the text); 304 when the caller holds it already. */
function sendSchema(req: Request, res: Response, sdl: string, hash: string): void {
  const etag = `"${hash}"`;
  res.setHeader("etag", etag);
  res.setHeader("cache-control", "private, no-cache");
  const presented = (req.header("if-none-match") ?? "").split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  if (presented.includes(etag) || presented.includes("*")) {
    res.status(304).end();
    return;
  }
  res.type("text/plain; charset=utf-8").send(sdl);
}
