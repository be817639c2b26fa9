import { Access, CacheHint, DEFAULT_CACHE_MAX_AGE } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { FullTextType } from "@mikro-orm/postgresql";
import { Directive, Field, ID, ObjectType } from "type-graphql";
import { CourseLevel, CourseStatus } from "./enums";

const courseSearchText = (course: Course) => ({ A: course.title, B: course.tags.join(" "), C: course.description });

/** A course: drafts are seen by their author and admins only. */
@ObjectType({ description: "A course of lessons" })
@Access({ withParent: true })
@CacheHint({ maxAge: DEFAULT_CACHE_MAX_AGE })
@Directive('@key(fields: "id")')
@Entity({ tableName: "courses" })
@Index({ properties: ["status", "createdAt", "id"] })
export class Course {
  [OptionalProps]?: "status" | "tags" | "createdAt" | "updatedAt" | "publishedAt" | "coverAssetId" | "searchVector";

  @Field(() => ID, { description: "The course's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Field({ description: "URL-safe name made from the title (lower-case words and dashes), unique; use it with course(slug:)" })
  @Property({ type: "text", unique: true })
  slug!: string;

  @Field({ description: "The course's title, 3 to 120 characters" })
  @Property({ type: "text" })
  title!: string;

  @Field({ description: "What the course teaches (plain text, up to 5000 characters)" })
  @Property({ type: "text" })
  description!: string;

  @Field(() => CourseLevel, { description: "Who the course is for" })
  @Enum({ items: () => CourseLevel, type: "text" })
  level!: CourseLevel;

  @Field(() => CourseStatus, { description: "DRAFT (its author and admins only), PUBLISHED or ARCHIVED" })
  @Enum({ items: () => CourseStatus, type: "text" })
  status: CourseStatus = CourseStatus.DRAFT;

  @Field(() => [String], { description: "Topics, lower-case (up to 20), for filtering with CourseFilter.tag" })
  @Property({ type: "text[]" })
  tags: string[] = [];

  @Index()
  @Property({ type: "uuid" })
  authorId!: string;

  @Property({ type: "uuid", nullable: true })
  coverAssetId: string | null = null;

  @Field(() => Date, { description: "When it was published; null for a draft", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  publishedAt: Date | null = null;

  @Field({ description: "When the course was created" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "timestamptz", onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** Title (A), tags (B) and description (C), for ranked full-text search. */
  @Index({ type: "fulltext" })
  @Property({
    type: new FullTextType("english"),
    lazy: true,
    hidden: true,
    onCreate: (course: Course) => courseSearchText(course),
    onUpdate: (course: Course) => courseSearchText(course),
  })
  searchVector?: unknown;
}
