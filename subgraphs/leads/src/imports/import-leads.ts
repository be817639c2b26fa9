import { randomUUID } from "node:crypto";
import { badInput } from "@solo/kit";
import { LeadImport } from "../entities";
import type { LeadsContext } from "../loaders";
import type { LeadsServices } from "../services";
import type { ImportError, ImportResult } from "../resolvers/types";
import type { CsvColumns, LeadRow } from "./csv-rows";
import { readHeader, readRow } from "./csv-rows";
import { forEachCsvRecord, importFileUrl } from "./csv-upload";
import { upsertLeadBatch } from "./lead-upsert";

/**
 * The most data rows one file may have. Pass 1 keeps each email's last row in memory (a Map of
 * lower-cased emails: about 100 bytes an entry, so 50,000 rows take about 5 MB and this ceiling
 * about 20 MB); everything else an import holds is one batch.
 */
const MAX_IMPORT_ROWS = 200_000;

/** The most problems one result lists: the count of skipped rows still counts them all. */
const MAX_LISTED_ERRORS = 1_000;

/** What pass 1 learned: the header is good, the file is UTF-8 CSV, and which row of each email is last. */
interface FileSurvey {
  columns: CsvColumns;
  lastRowOfEmail: Map<string, number>;
}

/**
 * Imports the owner's LEAD_IMPORT upload `assetId` as leads. Bad input changes nothing, so the file
 * is read twice as a stream: pass 1 checks the encoding, the CSV and the header and notes each
 * email's last good row; pass 2 upserts the rows in batches of settings.importBatchSize, each batch
 * one transaction with the import's progress, announced on leadImportProgress(assetId) after its
 * commit. A refused row is skipped and reported by its 1-based data row; of rows sharing an email
 * (without case) the last wins and each earlier one is reported as replaced.
 */
export async function importLeadsFromUpload(ctx: LeadsContext, services: LeadsServices, ownerId: string, assetId: string): Promise<ImportResult> {
  const { columns, lastRowOfEmail } = await surveyFile(services, ownerId, assetId);

  // Written with plain statements: the request's identity map never holds it, so no flush repeats them.
  const importId = randomUUID();
  await ctx.em.insert(LeadImport, { id: importId, assetId, ownerId, startedAt: services.clock.now() });
  const counts = { rowsProcessed: 0, imported: 0, updated: 0, skipped: 0 };
  const errors: ImportError[] = [];
  let unlisted: { firstRow: number; count: number } | undefined;
  const skip = (row: number, message: string) => {
    counts.skipped++;
    if (errors.length < MAX_LISTED_ERRORS) errors.push({ row, message });
    else if (unlisted) unlisted.count++;
    else unlisted = { firstRow: row, count: 1 };
  };
  let batch: LeadRow[] = [];
  let rowsRead = 0;

  const commit = async () => {
    const rows = batch;
    batch = [];
    await ctx.em.transactional(async (tx) => {
      const outcome = await upsertLeadBatch(tx, ownerId, rows, services.clock.now());
      counts.imported += outcome.imported;
      counts.updated += outcome.updated;
      counts.rowsProcessed = rowsRead;
      await tx.nativeUpdate(LeadImport, { id: importId }, counts);
    });
    await services.events.importProgressed(assetId);
  };

  try {
    const url = await importFileUrl(services.peers, services.logger, ownerId, assetId);
    await forEachCsvRecord(url, services.logger, (record, row) => {
      if (row === 0) return undefined;
      rowsRead = row;
      const lead = readRow(record, row, columns);
      if (typeof lead === "string") skip(row, lead);
      else {
        const lastRow = lead.email ? lastRowOfEmail.get(lead.email.toLowerCase()) : row;
        if (lastRow === row) batch.push(lead);
        else skip(row, `replaced by row ${lastRow} with the same email`);
      }
      return batch.length >= services.settings.importBatchSize ? commit() : undefined;
    });
    // The last batch, or only the counts when it is empty (skipped rows at the end, no data rows).
    await commit();
  } finally {
    await ctx.em.nativeUpdate(LeadImport, { id: importId }, { finishedAt: services.clock.now() });
    await services.events.importProgressed(assetId);
  }
  if (unlisted)
    errors.push({ row: unlisted.firstRow, message: `this row and ${unlisted.count - 1} more were skipped; only the first ${MAX_LISTED_ERRORS} problems are listed` });
  await services.events.pipelineChanged(ownerId);
  return { imported: counts.imported, updated: counts.updated, skipped: counts.skipped, errors };
}

/** Pass 1: nothing is written; a file that cannot be imported is refused here, whole. */
async function surveyFile(services: LeadsServices, ownerId: string, assetId: string): Promise<FileSurvey> {
  const url = await importFileUrl(services.peers, services.logger, ownerId, assetId);
  let columns: CsvColumns | undefined;
  const lastRowOfEmail = new Map<string, number>();
  await forEachCsvRecord(url, services.logger, (record, row) => {
    if (row === 0) {
      columns = readHeader(record);
      return undefined;
    }
    if (row > MAX_IMPORT_ROWS) throw badInput(`The file may have at most ${MAX_IMPORT_ROWS} data rows`, "assetId");
    const lead = readRow(record, row, columns!);
    if (typeof lead !== "string" && lead.email) lastRowOfEmail.set(lead.email.toLowerCase(), row);
    return undefined;
  });
  return { columns: columns ?? readHeader(undefined), lastRowOfEmail };
}
