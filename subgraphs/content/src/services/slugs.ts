import crypto from "node:crypto";

/** "Mock CLAT: Legal Reasoning 101!" → "mock-clat-legal-reasoning-101" */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || "course";
}

/** For a taken slug: the same words and a short random tail. */
export function withSuffix(slug: string): string {
  return `${slug}-${crypto.randomBytes(3).toString("hex")}`;
}
