import { Access, CacheHint, DEFAULT_CACHE_MAX_AGE } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { FullTextType } from "@mikro-orm/postgresql";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Course } from "./course";

const lessonSearchText = (lesson: Lesson) => ({ A: lesson.title, C: lesson.body });

@ObjectType({ description: "One lesson of a course, in order" })
@Access({ withParent: true })
@CacheHint({ maxAge: DEFAULT_CACHE_MAX_AGE })
@Directive('@key(fields: "id")')
@Entity({ tableName: "lessons" })
@Unique({ properties: ["course", "position"] })
export class Lesson {
  [OptionalProps]?: "createdAt" | "mediaAssetIds" | "searchVector";

  @Field(() => ID, { description: "The lesson's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => Course, { deleteRule: "cascade" })
  course!: Course;

  @Field(() => Int, { description: "1-based order within the course" })
  @Property({ type: "integer" })
  position!: number;

  @Field({ description: "The lesson's title, 1 to 200 characters" })
  @Property({ type: "text" })
  title!: string;

  @Field({ description: "The lesson's text (up to 100 000 characters)" })
  @Property({ type: "text" })
  body!: string;

  @Field(() => Int, { description: "Expected time to take it, in minutes (1 to 600)" })
  @Property({ type: "integer" })
  durationMinutes!: number;

  /** In display order; each a READY LESSON_MEDIA asset of the course's author when attached. */
  @Property({ type: "uuid[]" })
  mediaAssetIds: string[] = [];

  @Field({ description: "When the lesson was added" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Index({ type: "fulltext" })
  @Property({
    type: new FullTextType("english"),
    lazy: true,
    hidden: true,
    onCreate: (lesson: Lesson) => lessonSearchText(lesson),
    onUpdate: (lesson: Lesson) => lessonSearchText(lesson),
  })
  searchVector?: unknown;
}
