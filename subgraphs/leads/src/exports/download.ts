import type { ObjectStorage } from "@solo/kit";
import type { LeadExport } from "../entities";
import { ExportFormat } from "../entities";

/** Where an export's file is kept: under its owner, named by the export (no client-chosen paths). */
export function exportObjectKey(leadExport: Pick<LeadExport, "id" | "ownerId" | "format">): string {
  return `users/${leadExport.ownerId}/lead_export/${leadExport.id}.${leadExport.format === ExportFormat.CSV ? "csv" : "json"}`;
}

export function exportContentType(format: ExportFormat): string {
  return format === ExportFormat.CSV ? "text/csv; charset=utf-8" : "application/json";
}

/** A short-lived signed GET that downloads (never renders) the file. */
export function exportDownloadUrl(storage: ObjectStorage, leadExport: LeadExport): Promise<string> {
  const extension = leadExport.format === ExportFormat.CSV ? "csv" : "json";
  return storage.downloadUrl(leadExport.objectKey!, {
    filename: `leads-${leadExport.createdAt.toISOString().slice(0, 10)}.${extension}`,
    contentType: exportContentType(leadExport.format),
    disposition: "attachment",
  });
}
