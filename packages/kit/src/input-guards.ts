import { DriverException } from "@mikro-orm/core";
import { GraphQLInputType, getNullableType, isInputObjectType, isListType } from "graphql";
import { MiddlewareFn, getMetadataStorage } from "type-graphql";
import { badInput } from "./errors";
import { isMultiLine, isStorableDate, textProblem } from "./input-rules";

const multiLineFields = new Map<string, boolean>();

/** Whether an input type's field was declared `@MultiLine()` (type-graphql knows its class). */
function isMultiLineField(inputType: string, field: string): boolean {
  const key = `${inputType}.${field}`;
  let known = multiLineFields.get(key);
  if (known === undefined) {
    const metadata = getMetadataStorage().inputTypes.find((type) => type.name === inputType);
    const property = metadata?.fields?.find((candidate) => candidate.schemaName === field)?.name;
    known = Boolean(metadata && property && isMultiLine(metadata.target, property));
    multiLineFields.set(key, known);
  }
  return known;
}

/** Every string (and date) in an argument value, checked against the kit's input rules. */
function checkValue(value: unknown, type: GraphQLInputType, field: string, multiLine: boolean): void {
  if (value === null || value === undefined) return;
  const named = getNullableType(type) as GraphQLInputType;
  if (isListType(named)) {
    if (Array.isArray(value)) for (const item of value) checkValue(item, named.ofType, field, multiLine);
    return;
  }
  if (isInputObjectType(named)) {
    for (const [name, inner] of Object.entries(named.getFields())) {
      checkValue((value as Record<string, unknown>)[name], inner.type, `${field}.${name}`, isMultiLineField(named.name, name));
    }
    return;
  }
  if (typeof value === "string") {
    const problem = textProblem(value, field, multiLine);
    if (problem) throw badInput(problem, field);
  } else if (value instanceof Date && !isStorableDate(value)) {
    throw badInput(`${field} must be a date between the years 1 and 9999`, field);
  }
}

// Postgres classes of "this value cannot be stored": invalid text representation, untranslatable
// character, value too long, numeric out of range, invalid datetime.
const INVALID_VALUE_STATES = new Set(["22P02", "22021", "22001", "22003", "22007", "22008"]);

/**
 * Runs around every resolver: text that breaks the kit's rules (control characters, lines where
 * one is expected, past the length ceiling) and dates Postgres cannot store are refused before any
 * work, for every argument of every field, so no new field can forget them. A value the database
 * still rejects as malformed is the caller's error, not ours.
 */
export const guardInput: MiddlewareFn = async ({ args, info }, next) => {
  const field = info.parentType.getFields()[info.fieldName];
  for (const argument of field?.args ?? []) checkValue(args[argument.name], argument.type, argument.name, false);
  try {
    return await next();
  } catch (error) {
    const { sqlState, code } = error as { sqlState?: string; code?: string };
    const state = sqlState ?? code;
    if (error instanceof DriverException && typeof state === "string" && INVALID_VALUE_STATES.has(state)) {
      throw badInput("A value in the request is not valid for its field");
    }
    throw error;
  }
};
