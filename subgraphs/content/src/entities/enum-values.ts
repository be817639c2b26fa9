// Plain enums, importing nothing: route declarations (../internal-api) use them without type-graphql.

export enum CourseLevel {
  BEGINNER = "BEGINNER",
  INTERMEDIATE = "INTERMEDIATE",
  ADVANCED = "ADVANCED",
}

export enum CourseStatus {
  DRAFT = "DRAFT",
  PUBLISHED = "PUBLISHED",
  ARCHIVED = "ARCHIVED",
}

export enum MaterialKind {
  ARTICLE = "ARTICLE",
  GK_DIGEST = "GK_DIGEST",
  TRAINING = "TRAINING",
  TEMPLATE = "TEMPLATE",
}

export enum UploadPurpose {
  AVATAR = "AVATAR",
  COURSE_COVER = "COURSE_COVER",
  LESSON_MEDIA = "LESSON_MEDIA",
  MATERIAL = "MATERIAL",
  FLASHCARD_MEDIA = "FLASHCARD_MEDIA",
  SOCIAL_MEDIA = "SOCIAL_MEDIA",
  LEAD_IMPORT = "LEAD_IMPORT",
}

export enum AssetRejectionKind {
  SIZE_MISMATCH = "SIZE_MISMATCH",
  TYPE_MISMATCH = "TYPE_MISMATCH",
  COPY_MISSING = "COPY_MISSING",
}

export enum AssetStatus {
  PENDING = "PENDING",
  READY = "READY",
  REJECTED = "REJECTED",
}
