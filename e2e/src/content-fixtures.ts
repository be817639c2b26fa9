import type { GraphQLClient, Stack } from "./stack";
import { register, registerAdmin } from "./stack";

/** An account with the given role, set by an admin through the API. */
export async function registerWithRole(stack: Stack, role: "INSTRUCTOR" | "MARKETER" | "ADMIN", displayName = `${role} user`) {
  const admin = await registerAdmin(stack);
  const account = await register(stack, { displayName });
  const changed = await admin.client.op("SetUserRole", { userId: account.user.id, role });
  if (changed.errors) throw new Error(JSON.stringify(changed.errors));
  return account;
}

export interface UploadRequest {
  purpose: string;
  contentType: string;
  bytes: Buffer;
  filename?: string;
  /** What to declare, when a test lies about it. */
  declaredSize?: number;
  declaredType?: string;
}

/** The client flow: ask for a ticket, PUT the bytes with its headers, confirm. */
export async function upload(client: GraphQLClient, request: UploadRequest) {
  const ticket = await client.op("CreateUploadUrl", {
    input: {
      filename: request.filename ?? "file.bin",
      contentType: request.declaredType ?? request.contentType,
      sizeBytes: request.declaredSize ?? request.bytes.length,
      purpose: request.purpose,
    },
  });
  if (ticket.errors) throw new Error(`createUploadUrl: ${JSON.stringify(ticket.errors)}`);
  const { uploadUrl, method, headers, asset } = ticket.data.createUploadUrl;
  const sent = Object.fromEntries(headers.map((header: { name: string; value: string }) => [header.name, header.value]));
  // A lying client sends what it really has: the store (s3rver) does not check the signature.
  sent["Content-Type"] = request.contentType;
  sent["Content-Length"] = String(request.bytes.length);
  const put = await fetch(uploadUrl, { method, headers: sent, body: request.bytes });
  if (!put.ok) throw new Error(`PUT ${put.status}: ${await put.text()}`);
  const completed = await client.op("CompleteUpload", { assetId: asset.id });
  return { ticket: ticket.data.createUploadUrl, completed };
}

export async function uploadReady(client: GraphQLClient, purpose: string, contentType: string, bytes = Buffer.from(`bytes of ${purpose}`)) {
  const { completed } = await upload(client, { purpose, contentType, bytes });
  if (completed.errors || completed.data.completeUpload.status !== "READY") throw new Error(JSON.stringify(completed));
  return completed.data.completeUpload as { id: string; url: string; status: string };
}

/** A published course with `lessons` lessons, through the contract operations. */
export async function publishedCourse(client: GraphQLClient, title: string, options: { lessons?: number; tags?: string[]; level?: string; description?: string } = {}) {
  const created = await client.op("CreateCourse", {
    input: { title, description: options.description ?? `All about ${title}`, level: options.level ?? "BEGINNER", tags: options.tags ?? [] },
  });
  if (created.errors) throw new Error(JSON.stringify(created.errors));
  const course = created.data.createCourse;
  for (let i = 1; i <= (options.lessons ?? 1); i++) {
    const lesson = await client.op("AddLesson", { courseId: course.id, input: { title: `${title} lesson ${i}`, body: `Body ${i}`, durationMinutes: 10 } });
    if (lesson.errors) throw new Error(JSON.stringify(lesson.errors));
  }
  const published = await client.op("PublishCourse", { id: course.id });
  if (published.errors) throw new Error(JSON.stringify(published.errors));
  return course as { id: string; slug: string; title: string };
}
