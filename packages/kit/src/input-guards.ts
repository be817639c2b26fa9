import { DriverException } from "@mikro-orm/core";
import type { GraphQLInputType, GraphQLResolveInfo } from "graphql";
import { getNullableType, isInputObjectType, isListType } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import { getMetadataStorage } from "type-graphql";
import { badInput } from "./errors";
import type { TextKind } from "./input-rules";
import { isSecretParameter, isStorableDate, textKindOfField, textProblem } from "./input-rules";

const fieldKinds = new Map<string, TextKind>();

/** What an input type's field holds, from its decorators (type-graphql knows its class). */
function inputFieldKind(inputType: string, field: string): TextKind {
  const key = `${inputType}.${field}`;
  let kind = fieldKinds.get(key);
  if (kind === undefined) {
    const metadata = getMetadataStorage().inputTypes.find((type) => type.name === inputType);
    const property = metadata?.fields?.find((candidate) => candidate.schemaName === field)?.name;
    kind = metadata && property ? textKindOfField(metadata.target, property) : "single-line";
    fieldKinds.set(key, kind);
  }
  return kind;
}

const secretArgumentsByField = new Map<string, ReadonlySet<string>>();

/** The arguments of a query, mutation or subscription declared `@Secret()` on its resolver method. */
function secretArguments(parentType: string, field: string): ReadonlySet<string> {
  const key = `${parentType}.${field}`;
  let names = secretArgumentsByField.get(key);
  if (names === undefined) {
    const storage = getMetadataStorage();
    const handlers = { Query: storage.queries, Mutation: storage.mutations, Subscription: storage.subscriptions }[parentType] ?? [];
    const methods = handlers.filter((handler) => handler.schemaName === field);
    names = new Set(
      storage.params
        .filter((param) => param.kind === "arg")
        .filter((param) => methods.some((method) => method.target === param.target && method.methodName === param.methodName))
        .filter((param) => isSecretParameter(param.target, param.methodName, param.index))
        .map((param) => param.name),
    );
    secretArgumentsByField.set(key, names);
  }
  return names;
}

/** Every string (and date) in an argument value, checked against the kit's input rules. */
function checkValue(value: unknown, type: GraphQLInputType, field: string, kind: TextKind): void {
  if (value === null || value === undefined) return;
  const named: GraphQLInputType = getNullableType(type);
  if (isListType(named)) {
    if (Array.isArray(value)) for (const item of value) checkValue(item, named.ofType, field, kind);
    return;
  }
  if (isInputObjectType(named)) {
    for (const [name, inner] of Object.entries(named.getFields())) {
      checkValue((value as Record<string, unknown>)[name], inner.type, `${field}.${name}`, inputFieldKind(named.name, name));
    }
    return;
  }
  if (typeof value === "string") {
    const problem = textProblem(value, field, kind);
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
 * one is expected, past the length ceiling; in a secret, NUL and the ceiling only) and dates
 * Postgres cannot store are refused before any work, for every argument of every field, so no new
 * field can forget them. A value the database still rejects as malformed is the caller's error.
 */
export const guardInput: MiddlewareFn = async ({ args, info }, next) => {
  checkArguments(args, info);
  try {
    return (await next()) as unknown;
  } catch (error) {
    if (error instanceof DriverException && isInvalidValueError(error)) {
      throw badInput("A value in the request is not valid for its field");
    }
    throw error;
  }
};

/** The kit's input rules over every argument of the field (what guardInput checks first; access policies too). */
export function checkArguments(args: Record<string, unknown>, info: GraphQLResolveInfo): void {
  const field = info.parentType.getFields()[info.fieldName];
  const secrets = secretArguments(info.parentType.name, info.fieldName);
  for (const argument of field?.args ?? []) {
    checkValue(args[argument.name], argument.type, argument.name, secrets.has(argument.name) ? "secret" : "single-line");
  }
}

/** A database error that says a value from the request cannot be stored or read as its column's type. */
export function isInvalidValueError(error: DriverException): boolean {
  const { sqlState, code } = error as unknown as { sqlState?: string; code?: string };
  const state = sqlState ?? code;
  return typeof state === "string" && INVALID_VALUE_STATES.has(state);
}
