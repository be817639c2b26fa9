import "reflect-metadata";

/**
 * The one rule for text from clients. No text may hold C0 controls other than tab, line feed and
 * carriage return, DEL, C1 controls, or the bidi embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) that make a name or a filename display as something else. Single-line text
 * (names, titles, emails, tags, IDs, every string argument not marked `@MultiLine()`) also refuses
 * tabs and line breaks. Secrets (`@Secret()`: passwords, tokens) are never displayed, so only NUL
 * and the length ceiling apply to them.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const NEVER_ALLOWED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const LINE_BREAKS = /[\t\n\r\u2028\u2029]/;
// Half of a UTF-16 surrogate pair: JSON can carry one, UTF-8 (and so Postgres) cannot.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Ceilings for any string argument or input field, above the tighter limit a field may declare.
 * 100,000 characters is also what a search index holds: Postgres refuses a tsvector over 1 MB, and
 * the densest 100,000-character text (distinct hyphenated CJK words) makes about 830 KB.
 */
export const MAX_SINGLE_LINE_LENGTH = 1_000;
export const MAX_MULTI_LINE_LENGTH = 100_000;

/** What a string holds, and so which rules apply to it. */
export type TextKind = "single-line" | "multi-line" | "secret";

const MULTI_LINE = Symbol("solo:multiLine");
const SECRET_FIELD = Symbol("solo:secretField");
const SECRET_PARAMETERS = Symbol("solo:secretParameters");

/** Marks an input field whose text may span lines (bodies, descriptions, prompts, card faces). */
export function MultiLine(): PropertyDecorator {
  return (target, propertyKey) => Reflect.defineMetadata(MULTI_LINE, true, target, propertyKey);
}

/**
 * Marks a secret (a password, a token) on an input field or on an argument of a query, mutation or
 * subscription: any character but NUL may be part of one, such as a password that signed in before
 * the text rule existed.
 */
export function Secret(): PropertyDecorator & ParameterDecorator {
  return (target: object, propertyKey: string | symbol | undefined, parameterIndex?: number) => {
    if (propertyKey === undefined) throw new Error("@Secret() marks an input field or a resolver method's argument");
    if (parameterIndex === undefined) Reflect.defineMetadata(SECRET_FIELD, true, target, propertyKey);
    else Reflect.defineMetadata(SECRET_PARAMETERS, [...secretParameters(target, propertyKey), parameterIndex], target, propertyKey);
  };
}

function secretParameters(prototype: object, method: string | symbol): number[] {
  return (Reflect.getMetadata(SECRET_PARAMETERS, prototype, method) as number[] | undefined) ?? [];
}

/** The kind of text an input type's field holds, from its decorators. */
export function textKindOfField(inputClass: { prototype: object }, property: string): TextKind {
  if (Reflect.getMetadata(SECRET_FIELD, inputClass.prototype, property) === true) return "secret";
  return Reflect.getMetadata(MULTI_LINE, inputClass.prototype, property) === true ? "multi-line" : "single-line";
}

/** Whether a resolver method's argument (by position) was declared `@Secret()`. */
export function isSecretParameter(resolverClass: { prototype: object }, method: string, index: number): boolean {
  return secretParameters(resolverClass.prototype, method).includes(index);
}

/** Why `value` is not acceptable text for `field`, or undefined when it is. */
export function textProblem(value: string, field: string, kind: TextKind): string | undefined {
  const max = kind === "multi-line" ? MAX_MULTI_LINE_LENGTH : MAX_SINGLE_LINE_LENGTH;
  if (value.length > max) return `${field} must be at most ${max} characters`;
  if (value.includes("\u0000")) return `${field} must not contain NUL characters`;
  if (kind === "secret") return undefined;
  if (NEVER_ALLOWED.test(value)) return `${field} must not contain control or bidirectional formatting characters`;
  if (kind === "single-line" && LINE_BREAKS.test(value)) return `${field} must be a single line without tabs`;
  if (LONE_SURROGATE.test(value)) return `${field} must be valid Unicode text`;
  return undefined;
}

/**
 * Dates Postgres stores and our cursors print as they were sent: years 1 to 9999 (JavaScript
 * dates reach ±275,760 years, Postgres timestamps 4713 BC to 294,276 AD, and ISO strings change
 * form outside four-digit years).
 */
export function isStorableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1 && year <= 9999;
}
