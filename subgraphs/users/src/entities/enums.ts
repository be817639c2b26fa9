import { registerEnumType } from "type-graphql";

export enum Role {
  STUDENT = "STUDENT",
  INSTRUCTOR = "INSTRUCTOR",
  MARKETER = "MARKETER",
  ADMIN = "ADMIN",
}

export enum Plan {
  FREE = "FREE",
  PRO = "PRO",
  TEAM = "TEAM",
}

registerEnumType(Role, { name: "Role", description: "What an account may do" });
registerEnumType(Plan, { name: "Plan", description: "Subscription plan" });
