import { AttemptStatus } from "../entities";

/** The statuses of an attempt that counts: submitted, or expired and scored on its in-time answers. */
export const FINISHED = [AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED];

/** A statement on the request's connection, its values given by `?`. */
export type Sql = <T>(query: string, params: unknown[]) => Promise<T[]>;

/** One `?` per key, for `in (…)`. */
export const placeholders = (keys: readonly unknown[]) => keys.map(() => "?").join(", ");
