import { registerEnumType } from "type-graphql";

export enum LeadStatus {
  NEW = "NEW",
  CONTACTED = "CONTACTED",
  QUALIFIED = "QUALIFIED",
  CONVERTED = "CONVERTED",
  LOST = "LOST",
}

export enum ExportFormat {
  CSV = "CSV",
  JSON = "JSON",
}

export enum ExportStatus {
  PENDING = "PENDING",
  RUNNING = "RUNNING",
  READY = "READY",
  FAILED = "FAILED",
}

export enum LeadOrderField {
  SCORE = "SCORE",
  CREATED_AT = "CREATED_AT",
  NAME = "NAME",
}

export enum OrderDirection {
  ASC = "ASC",
  DESC = "DESC",
}

registerEnumType(LeadStatus, {
  name: "LeadStatus",
  description: "A lead's stage in the pipeline",
  valuesConfig: {
    NEW: { description: "Not contacted yet" },
    CONTACTED: { description: "Reached out to" },
    QUALIFIED: { description: "A real prospect" },
    CONVERTED: { description: "Signed up (set by recordSignup or by hand)" },
    LOST: { description: "Not going anywhere" },
  },
});
registerEnumType(ExportFormat, {
  name: "ExportFormat",
  description: "The format of an export file",
  valuesConfig: {
    CSV: { description: "Comma-separated values with a header row (UTF-8)" },
    JSON: { description: "A JSON array with one object per lead (its signals as a name → value object)" },
  },
});
registerEnumType(ExportStatus, {
  name: "ExportStatus",
  description: "PENDING → RUNNING → READY or FAILED",
  valuesConfig: {
    PENDING: { description: "Queued: not started yet" },
    RUNNING: { description: "Writing rows" },
    READY: { description: "Done: downloadUrl gives the file" },
    FAILED: { description: "Stopped: error says why" },
  },
});
registerEnumType(LeadOrderField, {
  name: "LeadOrderField",
  description: "What leads can be ordered by",
  valuesConfig: { SCORE: { description: "The lead's score" }, CREATED_AT: { description: "When the lead was added" }, NAME: { description: "The lead's name" } },
});
registerEnumType(OrderDirection, {
  name: "OrderDirection",
  description: "Sort order",
  valuesConfig: { ASC: { description: "Smallest (or earliest, or A) first" }, DESC: { description: "Largest (or latest, or Z) first" } },
});
