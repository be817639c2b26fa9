import { Access, badInput } from "@solo/kit";
import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import { Course, Lesson, ReadingMaterial } from "../entities";
import type { ContentContext } from "../context";
import { SearchResult } from "./types";

const MAX_RESULTS = 50;

/**
 * One ranked list over the three searchable tables: each has a weighted tsvector (title A, tags or
 * topic B, text C) with a GIN index; ts_rank orders across them. Only published things match.
 */
const SEARCH_SQL = `
  with q as (select websearch_to_tsquery('english', ?) as query)
  select * from (
    select 'Course' as type, c.id, ts_rank(c.search_vector, q.query) as rank, c.created_at
      from content.courses c, q
     where c.status = 'PUBLISHED' and c.search_vector @@ q.query
    union all
    select 'Lesson', l.id, ts_rank(l.search_vector, q.query), l.created_at
      from content.lessons l join content.courses c on c.id = l.course_id, q
     where c.status = 'PUBLISHED' and l.search_vector @@ q.query
    union all
    select 'ReadingMaterial', m.id, ts_rank(m.search_vector, q.query), m.created_at
      from content.reading_materials m, q
     where m.published_at is not null and m.search_vector @@ q.query
  ) hits
  order by rank desc, created_at desc, id
  limit ?`;

@Resolver()
export class SearchResolver {
  @Access({ publicData: true, scope: "content:read" })
  @Query(() => [SearchResult], { description: "Published courses, lessons and reading materials matching the words, best first" })
  async searchContent(
    @Arg("query", { description: 'Words to look for (web-search syntax: "quoted phrase", -excluded, or)' }) query: string,
    @Arg("first", () => Int, { description: "At most this many results: 1 to 50, 10 by default", nullable: true }) first: number | null,
    @Ctx() ctx: ContentContext,
  ): Promise<(Course | Lesson | ReadingMaterial)[]> {
    const text = query.trim();
    if (!text || text.length > 200) throw badInput("query must be 1 to 200 characters", "query");
    const limit = first ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RESULTS) throw badInput(`first must be 1 to ${MAX_RESULTS}`, "first");
    const hits: { type: string; id: string }[] = await ctx.em.getConnection().execute(SEARCH_SQL, [text, limit]);
    const loaderFor = { Course: ctx.loaders.courseById, Lesson: ctx.loaders.lessonById, ReadingMaterial: ctx.loaders.materialById };
    const rows = await Promise.all(hits.map((hit) => loaderFor[hit.type as keyof typeof loaderFor].load(hit.id)));
    return rows.filter((row): row is Course | Lesson | ReadingMaterial => row !== null);
  }
}
