import { Access, Connection, MultiLine, NotBlank } from "@solo/kit";
import { ArrayMaxSize, IsInt, IsOptional, Length, Max, MaxLength, Min } from "class-validator";
import { Field, ID, InputType, Int, ObjectType, createUnionType } from "type-graphql";
import { Course, CourseLevel, Lesson, MaterialKind, MediaAsset, ReadingMaterial, UploadPurpose } from "../entities";

@InputType()
export class CreateCourseInput {
  @Field()
  @Length(3, 120, { message: "title must be 3 to 120 characters" })
  @NotBlank()
  title!: string;

  @Field()
  @MultiLine()
  @Length(1, 5000, { message: "description must be 1 to 5000 characters" })
  @NotBlank()
  description!: string;

  @Field(() => CourseLevel)
  level!: CourseLevel;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20, { message: "at most 20 tags" })
  @Length(1, 40, { each: true, message: "each tag must be 1 to 40 characters" })
  tags?: string[];

  @Field(() => ID, { nullable: true, description: "A READY COURSE_COVER upload of yours" })
  @IsOptional()
  coverAssetId?: string;
}

@InputType()
export class CourseFilter {
  @Field(() => CourseLevel, { nullable: true })
  level?: CourseLevel;

  @Field({ nullable: true })
  tag?: string;

  @Field(() => ID, { nullable: true })
  authorId?: string;
}

@InputType()
export class LessonInput {
  @Field()
  @Length(1, 200, { message: "title must be 1 to 200 characters" })
  @NotBlank()
  title!: string;

  @Field()
  @MultiLine()
  @Length(1, 100_000, { message: "body must be 1 to 100000 characters" })
  @NotBlank()
  body!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1, { message: "durationMinutes must be 1 to 600" })
  @Max(600, { message: "durationMinutes must be 1 to 600" })
  durationMinutes!: number;

  @Field(() => [ID], { nullable: true, description: "READY LESSON_MEDIA uploads of yours, in display order" })
  @IsOptional()
  @ArrayMaxSize(20, { message: "at most 20 media per lesson" })
  mediaAssetIds?: string[];
}

@InputType()
export class ReadingMaterialInput {
  @Field()
  @Length(3, 200, { message: "title must be 3 to 200 characters" })
  @NotBlank()
  title!: string;

  @Field(() => MaterialKind)
  kind!: MaterialKind;

  @Field()
  @Length(1, 80, { message: "topic must be 1 to 80 characters" })
  @NotBlank()
  topic!: string;

  @Field()
  @MultiLine()
  @Length(1, 100_000, { message: "body must be 1 to 100000 characters" })
  @NotBlank()
  body!: string;

  @Field(() => ID, { nullable: true, description: "A READY MATERIAL upload of yours" })
  @IsOptional()
  attachmentAssetId?: string;
}

@InputType()
export class FlashcardDeckInput {
  @Field()
  @Length(1, 120, { message: "title must be 1 to 120 characters" })
  @NotBlank()
  title!: string;

  @Field({ nullable: true })
  @IsOptional()
  @MultiLine()
  @MaxLength(2000)
  description?: string;

  @Field(() => ID, { nullable: true, description: "A course you author; the deck is then public once the course is" })
  @IsOptional()
  courseId?: string;
}

@InputType()
export class FlashcardInput {
  @Field()
  @MultiLine()
  @Length(1, 2000, { message: "front must be 1 to 2000 characters" })
  @NotBlank()
  front!: string;

  @Field()
  @MultiLine()
  @Length(1, 2000, { message: "back must be 1 to 2000 characters" })
  @NotBlank()
  back!: string;

  @Field(() => ID, { nullable: true, description: "A READY FLASHCARD_MEDIA upload of yours" })
  @IsOptional()
  mediaAssetId?: string;
}

@InputType()
export class CreateUploadUrlInput {
  @Field({ description: "Shown to people; never part of the storage key" })
  @Length(1, 255, { message: "filename must be 1 to 255 characters" })
  @NotBlank()
  filename!: string;

  @Field()
  @Length(3, 100, { message: "contentType must be a MIME type" })
  contentType!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1, { message: "sizeBytes must be at least 1" })
  sizeBytes!: number;

  @Field(() => UploadPurpose)
  purpose!: UploadPurpose;
}

@ObjectType()
@Access({ withParent: true })
export class HttpHeader {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@ObjectType({ description: "Where and how to upload: PUT the bytes with exactly these headers before expiresAt" })
@Access({ withParent: true })
export class UploadTicket {
  @Field()
  uploadUrl!: string;

  @Field()
  method!: string;

  @Field(() => [HttpHeader])
  headers!: HttpHeader[];

  @Field()
  expiresAt!: Date;

  @Field(() => MediaAsset)
  asset!: MediaAsset;
}

@ObjectType()
@Access({ withParent: true })
export class CourseConnection extends Connection(Course) {}

@ObjectType()
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
