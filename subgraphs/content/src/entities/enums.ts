import { registerEnumType } from "type-graphql";
import { AssetRejectionKind, AssetStatus, CourseLevel, CourseStatus, MaterialKind, UploadPurpose } from "./enum-values";

export * from "./enum-values";

registerEnumType(CourseLevel, {
  name: "CourseLevel",
  description: "Who a course is for",
  valuesConfig: {
    BEGINNER: { description: "No prior knowledge needed" },
    INTERMEDIATE: { description: "For those who know the basics" },
    ADVANCED: { description: "For experienced learners" },
  },
});
registerEnumType(CourseStatus, {
  name: "CourseStatus",
  description: "Where a course is in its life",
  valuesConfig: {
    DRAFT: { description: "Being written: only its author and admins see it" },
    PUBLISHED: { description: "Visible to everyone, signed in or not" },
    ARCHIVED: { description: "Withdrawn from the catalog" },
  },
});
registerEnumType(MaterialKind, {
  name: "MaterialKind",
  description: "What sort of reading material",
  valuesConfig: {
    ARTICLE: { description: "An article on a topic" },
    GK_DIGEST: { description: "A general-knowledge digest (current affairs)" },
    TRAINING: { description: "A training note" },
    TEMPLATE: { description: "A template to fill in or copy" },
  },
});
registerEnumType(UploadPurpose, {
  name: "UploadPurpose",
  description: "What an upload is for: decides allowed types and size",
  valuesConfig: {
    AVATAR: { description: "A profile picture: PNG, JPEG or WebP, up to 5 MB; public once READY" },
    COURSE_COVER: { description: "A course's cover picture (instructors and admins): PNG, JPEG or WebP, up to 10 MB; public once READY" },
    LESSON_MEDIA: { description: "A lesson's video, audio or PDF (instructors and admins): MP4, MP3 or PDF, up to 2 GB" },
    MATERIAL: { description: "A reading material's attachment (instructors and admins): PDF, PNG, JPEG or WebP, up to 50 MB" },
    FLASHCARD_MEDIA: { description: "A flashcard's picture or sound: PNG, JPEG, WebP or MP3, up to 5 MB" },
    SOCIAL_MEDIA: { description: "A scheduled post's image or video (marketers and admins): JPEG, PNG or MP4, up to 100 MB" },
    LEAD_IMPORT: { description: "A CSV of leads for importLeads (marketers and admins): text/csv, up to 50 MB" },
  },
});
registerEnumType(AssetStatus, {
  name: "AssetStatus",
  description: "Where an upload stands: PENDING → READY or REJECTED",
  valuesConfig: {
    PENDING: { description: "Waiting for the file: PUT it, then call completeUpload" },
    READY: { description: "Checked: the file matches its declaration and may be attached and downloaded" },
    REJECTED: { description: "The stored file did not match the declared type or size; it was deleted" },
  },
});
registerEnumType(AssetRejectionKind, {
  name: "AssetRejectionKind",
  description: "What did not match when an upload was checked",
  valuesConfig: {
    SIZE_MISMATCH: { description: "The stored object's size in bytes differs from the declared sizeBytes" },
    TYPE_MISMATCH: { description: "The stored object's content type differs from the declared contentType" },
    COPY_MISSING: { description: "The checked object vanished while it was being copied to its final key; upload again" },
  },
});
