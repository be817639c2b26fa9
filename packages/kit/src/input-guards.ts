import { DriverException } from "@mikro-orm/core";
import type { GraphQLField, GraphQLInputType, GraphQLResolveInfo, GraphQLSchema } from "graphql";
import { defaultFieldResolver, getNullableType, isInputObjectType, isListType, isObjectType } from "graphql";
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
 * The kit's input rules on every field that takes arguments: text that breaks them (control
 * characters, lines where one is expected, past the length ceiling; in a secret, NUL and the
 * ceiling only) and dates Postgres cannot store are refused before any work, for every argument of
 * every field, so no new field can forget them. A value the database still rejects as malformed is
 * the caller's error.
 *
 * A field whose access rule checks the caller runs the rules in that check, after it (checkRules):
 * who may not call a field learns that, not what is wrong with their input. Any other field runs
 * them here, before its resolver. Fields without arguments are left alone: a wrapper on each (as a
 * type-graphql middleware is) cost more than their resolvers on a page of 20 items.
 *
 * Refusals are rejected promises, never throws: graphql-js 16 abandons the promises of a list's
 * earlier items when a later one throws.
 */
export function guardArguments(schema: GraphQLSchema, checksCaller: (field: GraphQLField<unknown, unknown>) => boolean): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.length) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const checkHere = !checksCaller(field);
      field.resolve = (source, args: Record<string, unknown>, context, info) => {
        let result: unknown;
        try {
          if (checkHere) checkArguments(args, info);
          result = resolve(source, args, context, info);
        } catch (error) {
          return Promise.reject(asInputError(error));
        }
        return isPromiseLike(result) ? Promise.resolve(result).catch((error: unknown) => Promise.reject(asInputError(error))) : result;
      };
    }
  }
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> => typeof (value as PromiseLike<unknown> | undefined)?.then === "function";

/** A database error that says a value from the request cannot be stored is BAD_USER_INPUT; anything else stays as it is. */
function asInputError(error: unknown): Error {
  return error instanceof DriverException && isInvalidValueError(error) ? badInput("A value in the request is not valid for its field") : (error as Error);
}

/** The kit's input rules over every argument of the field (guardArguments, and the access check of a field that checks the caller). */
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
