import { AuditOutboxEntry } from "@solo/kit";
import { Campaign, Signup } from "./campaign";
import { Lead } from "./lead";
import { LeadExport } from "./lead-export";
import { LeadImport } from "./lead-import";
import { LeadSignal, ScoreChange, ScoringWeight } from "./signals";

export * from "./campaign";
export * from "./enums";
export * from "./lead";
export * from "./lead-export";
export * from "./lead-import";
export * from "./references";
export * from "./signals";

export const entities = [Lead, LeadSignal, ScoringWeight, ScoreChange, Campaign, Signup, LeadExport, LeadImport, AuditOutboxEntry];
