import { Access } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { FullTextType } from "@mikro-orm/postgresql";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Course } from "./course";

const lessonSearchText = (lesson: Lesson) => ({ A: lesson.title, C: lesson.body });

@ObjectType({ description: "One lesson of a course, in order" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "lessons" })
@Unique({ properties: ["course", "position"] })
export class Lesson {
  [OptionalProps]?: "createdAt" | "mediaAssetIds" | "searchVector";

  @Field(() => ID)
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => Course, { deleteRule: "cascade" })
  course!: Course;

  @Field(() => Int, { description: "1-based order within the course" })
  @Property({ type: "integer" })
  position!: number;

  @Field()
  @Property({ type: "text" })
  title!: string;

  @Field()
  @Property({ type: "text" })
  body!: string;

  @Field(() => Int)
  @Property({ type: "integer" })
  durationMinutes!: number;

  /** In display order; each a READY LESSON_MEDIA asset of the course's author when attached. */
  @Property({ type: "uuid[]" })
  mediaAssetIds: string[] = [];

  @Field()
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
