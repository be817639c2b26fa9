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

registerEnumType(Role, {
  name: "Role",
  description: "What an account may do",
  valuesConfig: {
    STUDENT: { description: "Learns: takes courses and tests, studies, reviews flashcards (every new account)" },
    INSTRUCTOR: { description: "Also writes courses, lessons, reading materials and mock tests" },
    MARKETER: { description: "Also runs campaigns, leads and connected social accounts" },
    ADMIN: { description: "May do and see everything, and change other accounts' roles" },
  },
});
registerEnumType(Plan, {
  name: "Plan",
  description: "Subscription plan",
  valuesConfig: {
    FREE: { description: "Free of charge: every new account starts on it" },
    PRO: { description: "Paid, for one person" },
    TEAM: { description: "Paid, for an organisation's accounts" },
  },
});
