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

registerEnumType(LeadStatus, { name: "LeadStatus" });
registerEnumType(ExportFormat, { name: "ExportFormat" });
registerEnumType(ExportStatus, { name: "ExportStatus", description: "PENDING → RUNNING → READY or FAILED" });
registerEnumType(LeadOrderField, { name: "LeadOrderField" });
registerEnumType(OrderDirection, { name: "OrderDirection" });
