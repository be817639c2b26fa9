import { Access, Connection, MultiLine, NotBlank } from "@solo/kit";
import { ArrayMaxSize, IsInt, IsOptional, Length, Max, MaxLength, Min } from "class-validator";
import { Field, ID, InputType, Int, ObjectType, createUnionType } from "type-graphql";
import { Course, CourseLevel, Lesson, MaterialKind, MediaAsset, ReadingMaterial, UploadPurpose } from "../entities";

@InputType({ description: "A new course: it starts as a DRAFT you author" })
export class CreateCourseInput {
  @Field({ description: "3 to 120 characters; the slug is made from it" })
  @Length(3, 120, { message: "title must be 3 to 120 characters" })
  @NotBlank()
  title!: string;

  @Field({ description: "What the course teaches, 1 to 5000 characters" })
  @MultiLine()
  @Length(1, 5000, { message: "description must be 1 to 5000 characters" })
  @NotBlank()
  description!: string;

  @Field(() => CourseLevel, { description: "Who the course is for" })
  level!: CourseLevel;

  @Field(() => [String], { description: "Up to 20 topics, each 1 to 40 characters; stored lower-case, duplicates dropped", nullable: true })
  @IsOptional()
  @ArrayMaxSize(20, { message: "at most 20 tags" })
  @Length(1, 40, { each: true, message: "each tag must be 1 to 40 characters" })
  tags?: string[];

  @Field(() => ID, { nullable: true, description: "A READY COURSE_COVER upload of yours" })
  @IsOptional()
  coverAssetId?: string;
}

@InputType({ description: "Narrows the course catalog; all given fields must match" })
export class CourseFilter {
  @Field(() => CourseLevel, { description: "Only courses of this level", nullable: true })
  level?: CourseLevel;

  @Field({ description: "Only courses with this tag (case does not matter)", nullable: true })
  tag?: string;

  @Field(() => ID, { description: "Only courses by this author", nullable: true })
  authorId?: string;
}

@InputType({ description: "A new lesson, appended after the course's last one" })
export class LessonInput {
  @Field({ description: "1 to 200 characters" })
  @Length(1, 200, { message: "title must be 1 to 200 characters" })
  @NotBlank()
  title!: string;

  @Field({ description: "The lesson's text, 1 to 100 000 characters" })
  @MultiLine()
  @Length(1, 100_000, { message: "body must be 1 to 100000 characters" })
  @NotBlank()
  body!: string;

  @Field(() => Int, { description: "Expected time to take it, in minutes: 1 to 600" })
  @IsInt()
  @Min(1, { message: "durationMinutes must be 1 to 600" })
  @Max(600, { message: "durationMinutes must be 1 to 600" })
  durationMinutes!: number;

  @Field(() => [ID], { nullable: true, description: "READY LESSON_MEDIA uploads of yours, in display order" })
  @IsOptional()
  @ArrayMaxSize(20, { message: "at most 20 media per lesson" })
  mediaAssetIds?: string[];
}

@InputType({ description: "A new reading material; it is published at once" })
export class ReadingMaterialInput {
  @Field({ description: "3 to 200 characters" })
  @Length(3, 200, { message: "title must be 3 to 200 characters" })
  @NotBlank()
  title!: string;

  @Field(() => MaterialKind, { description: "What sort of material it is" })
  kind!: MaterialKind;

  @Field({ description: "Its subject, 1 to 80 characters" })
  @Length(1, 80, { message: "topic must be 1 to 80 characters" })
  @NotBlank()
  topic!: string;

  @Field({ description: "The text, 1 to 100 000 characters" })
  @MultiLine()
  @Length(1, 100_000, { message: "body must be 1 to 100000 characters" })
  @NotBlank()
  body!: string;

  @Field(() => ID, { nullable: true, description: "A READY MATERIAL upload of yours" })
  @IsOptional()
  attachmentAssetId?: string;
}

@InputType({ description: "A new deck of your own" })
export class FlashcardDeckInput {
  @Field({ description: "1 to 120 characters" })
  @Length(1, 120, { message: "title must be 1 to 120 characters" })
  @NotBlank()
  title!: string;

  @Field({ description: "What the deck covers, up to 2000 characters", nullable: true })
  @IsOptional()
  @MultiLine()
  @MaxLength(2000)
  description?: string;

  @Field(() => ID, { nullable: true, description: "A course you author; the deck is then public once the course is" })
  @IsOptional()
  courseId?: string;
}

@InputType({ description: "A new card, appended after the deck's last one" })
export class FlashcardInput {
  @Field({ description: "The prompt, 1 to 2000 characters" })
  @MultiLine()
  @Length(1, 2000, { message: "front must be 1 to 2000 characters" })
  @NotBlank()
  front!: string;

  @Field({ description: "The answer, 1 to 2000 characters" })
  @MultiLine()
  @Length(1, 2000, { message: "back must be 1 to 2000 characters" })
  @NotBlank()
  back!: string;

  @Field(() => ID, { nullable: true, description: "A READY FLASHCARD_MEDIA upload of yours" })
  @IsOptional()
  mediaAssetId?: string;
}

@InputType({ description: "What you are about to upload; the stored file must match it" })
export class CreateUploadUrlInput {
  @Field({ description: "Shown to people; never part of the storage key" })
  @Length(1, 255, { message: "filename must be 1 to 255 characters" })
  @NotBlank()
  filename!: string;

  @Field({ description: "The file's MIME type, one the purpose allows (see UploadPurpose)" })
  @Length(3, 100, { message: "contentType must be a MIME type" })
  contentType!: string;

  @Field(() => Int, { description: "The file's exact size in bytes, at most the purpose's cap" })
  @IsInt()
  @Min(1, { message: "sizeBytes must be at least 1" })
  sizeBytes!: number;

  @Field(() => UploadPurpose, { description: "What the file is for: decides the allowed types, the size cap and who may upload" })
  purpose!: UploadPurpose;
}

@ObjectType({ description: "An HTTP header to send" })
@Access({ withParent: true })
export class HttpHeader {
  @Field({ description: "The header's name, e.g. Content-Type" })
  name!: string;

  @Field({ description: "The header's value" })
  value!: string;
}

@ObjectType({ description: "Where and how to upload: PUT the bytes with exactly these headers before expiresAt" })
@Access({ withParent: true })
export class UploadTicket {
  @Field({ description: "The presigned URL to send the file's bytes to" })
  uploadUrl!: string;

  @Field({ description: "The HTTP method to use: PUT" })
  method!: string;

  @Field(() => [HttpHeader], { description: "Headers to send with the bytes, exactly as given (the signature covers them)" })
  headers!: HttpHeader[];

  @Field({ description: "After this the URL is refused: ask for a new one" })
  expiresAt!: Date;

  @Field(() => MediaAsset, { description: "The upload, PENDING until completeUpload" })
  asset!: MediaAsset;
}

@ObjectType({ description: "A page of published courses, newest first (a Relay connection: pass pageInfo.endCursor as `after` for the next page)" })
@Access({ withParent: true })
export class CourseConnection extends Connection(Course) {}

@ObjectType({ description: "A page of published reading materials, newest first (a Relay connection: pass pageInfo.endCursor as `after` for the next page)" })
@Access({ withParent: true })
export class ReadingMaterialConnection extends Connection(ReadingMaterial) {}

export const SearchResult = createUnionType({
  name: "SearchResult",
  description: "A published course, a lesson of one, or a reading material",
  types: () => [Course, Lesson, ReadingMaterial] as const,
  resolveType: (value) => {
    if (value instanceof Course) return Course;
    if (value instanceof Lesson) return Lesson;
    return ReadingMaterial;
  },
});
