import { Readable } from "node:stream";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { SubgraphRuntime } from "@solo/kit";
import type { LeadsSettings } from "../config";
import type { LeadsServices } from "../services";
import { exportContentType, exportObjectKey } from "./download";
import type { ClaimedExport } from "./export-claims";
import { claimDueExport, failAbandonedExports, updateClaimed } from "./export-claims";
import { ownerSignalNames, pagesOfLeads } from "./export-rows";
import { leadFileFormat } from "./lead-files";

/** Leads read and written per step; the export's recordCount moves by this much. */
const EXPORT_PAGE_SIZE = 1_000;

/**
 * The job "make-lead-exports": fails exports out of tries, then claims due ones one at a time and
 * makes their files, until none is left that this run has not tried (a failed try waits for the next
 * run). Safe with several replicas running it at once. Returns how many it finished (READY or FAILED).
 */
export async function runDueExports(services: LeadsServices, runtime: SubgraphRuntime<LeadsSettings>): Promise<number> {
  const { clock, settings } = services;
  const em = runtime.orm.em.fork();
  let finished = await failAbandonedExports(em, { now: clock.now(), maxAttempts: settings.exportMaxAttempts });
  const tried: string[] = [];
  for (;;) {
    const claimed = await claimDueExport(em, { now: clock.now(), leaseMs: settings.exportLeaseMs, maxAttempts: settings.exportMaxAttempts, skip: tried });
    if (!claimed) return finished;
    tried.push(claimed.id);
    if (await makeExport(em, services, claimed)) finished += 1;
  }
}

/**
 * Streams the owner's leads that the export's filter matches into its file, a page at a time,
 * counting rows and renewing the lease after each page; then READY. A failed try is PENDING again,
 * or FAILED on the last try. True when the export finished (READY or FAILED).
 */
async function makeExport(em: EntityManager, services: LeadsServices, claimed: ClaimedExport): Promise<boolean> {
  const { clock, settings, storage, logger } = services;
  const objectKey = exportObjectKey(claimed);
  let written = 0;
  // The claim lapsed and another process may hold the export now: this one stops and writes nothing more.
  let lost = false;
  const contents = async function* () {
    const format = leadFileFormat(claimed.format, await ownerSignalNames(em, claimed.ownerId));
    yield Buffer.from(format.start());
    for await (const leads of pagesOfLeads(em, claimed.ownerId, claimed.filter, EXPORT_PAGE_SIZE)) {
      yield Buffer.from(format.page(leads, written === 0));
      written += leads.length;
      const renewed = await updateClaimed(em, claimed, `record_count = ?, lease_until = ?`, [written, new Date(clock.now().getTime() + settings.exportLeaseMs)]);
      if (!renewed) {
        lost = true;
        throw new Error("the export's claim lapsed");
      }
    }
    yield Buffer.from(format.end());
  };
  const body = Readable.from(contents(), { objectMode: false });
  try {
    await storage.uploadStream(objectKey, body, exportContentType(claimed.format));
    const ready = await updateClaimed(
      em,
      claimed,
      `status = 'READY', record_count = ?, object_key = ?, finished_at = ?, error = null, claim_token = null, lease_until = null`,
      [written, objectKey, clock.now()],
    );
    return ready;
  } catch (error) {
    if (lost) return false;
    const last = claimed.attempts >= settings.exportMaxAttempts;
    logger.error({ err: error, exportId: claimed.id, attempt: claimed.attempts, last }, "a lead export failed");
    // Back to PENDING for the next run, or FAILED: never left RUNNING. Why it failed is told only at the end.
    return updateClaimed(em, claimed, `status = ?, error = ?, finished_at = ?, claim_token = null, lease_until = null`, [
      last ? "FAILED" : "PENDING",
      last ? `The file could not be written (${claimed.attempts} tries)` : null,
      last ? clock.now() : null,
    ]).then((updated) => updated && last);
  } finally {
    // A failed upload may stop reading midway: end the reading of leads too.
    body.destroy();
  }
}
