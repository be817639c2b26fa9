/** The platform's roles (a file of its own so that route declarations can name them without the kit). */
export const ROLES = ["STUDENT", "INSTRUCTOR", "MARKETER", "ADMIN"] as const;
export type RoleName = (typeof ROLES)[number];
