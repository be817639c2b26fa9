import type { GraphQLInputType } from "graphql";
import { getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType } from "graphql";

/** A value sent as raw JSON text (1e999 has no JSON.stringify form: it parses to Infinity). */
class RawJson {
  constructor(readonly text: string) {}
}

const cursor = (iso: unknown, id: unknown = "00000000-0000-4000-8000-000000000000") => Buffer.from(JSON.stringify([iso, id])).toString("base64url");

/** Longer than every text limit of the API (100,000 characters) yet inside the gateway's body limit. */
const HUGE_TEXT = "x".repeat(100_001);

/**
 * Which string arguments must refuse a hostile text with BAD_USER_INPUT: every one ("always"), or
 * every one but a secret ("unless secret": a password or token may hold any character but NUL).
 */
type Refusal = "always" | "unless secret";

/** Hostile text for String and ID, with who must refuse it. */
const texts: [label: string, value: string, refused?: Refusal][] = [
  ["empty", ""],
  ["blank", "   "],
  ["huge", HUGE_TEXT, "always"],
  ["NUL", "a\u0000b", "always"],
  ["BEL", "bell\u0007", "unless secret"],
  ["ESC sequence", "\u001b[2Jcleared", "unless secret"],
  ["DEL", "del\u007f", "unless secret"],
  ["C1 NEL", "next\u0085line", "unless secret"],
  ["tab", "tab\there"],
  ["newline", "line\nbreak"],
  ["CR", "carriage\rreturn"],
  ["bidi override", "abc\u202Egpj.exe", "unless secret"],
  ["bidi isolate", "\u2067isolated\u2069", "unless secret"],
  ["lone surrogate", "half \ud800 pair", "unless secret"],
  ["not a UUID", "not-a-uuid"],
  ["nil UUID", "00000000-0000-0000-0000-000000000000"],
  ["SQL", "'; drop table users; --"],
];

/** Malformed cursors, for String (the type of every `after`). */
const cursors: [string, string][] = [
  ["cursor far future", cursor("+099999-01-01T00:00:00.000Z")],
  ["cursor far past", cursor("-271821-04-20T00:00:00.000Z")],
  ["cursor year 0", cursor("0000-01-01T00:00:00.000Z")],
  ["cursor year 10000", cursor("+010000-01-01T00:00:00.000Z")],
  ["cursor of numbers", cursor(1, 2)],
  ["cursor not base64", "!!!not base64!!!"],
];

/** Far and odd dates, where a DateTime is expected. */
const dates: [string, string][] = [
  ["far future", "+275760-09-13T00:00:00.000Z"],
  ["far past", "-271821-04-20T00:00:00.000Z"],
  ["year 0", "0000-01-01T00:00:00.000Z"],
  ["year 10000", "+010000-01-01T00:00:00.000Z"],
  ["not a date", "yesterday"],
];

const ints: [string, unknown][] = [
  ["-1", -1],
  ["0", 0],
  ["2^31-1", 2_147_483_647],
  ["2^31", 2_147_483_648],
  ["-2^31", -2_147_483_648],
  ["-2^31-1", -2_147_483_649],
  ["1.5", 1.5],
];

const floats: [string, unknown][] = [
  ["1e999", new RawJson("1e999")],
  ["-1e999", new RawJson("-1e999")],
  ['"NaN"', "NaN"],
  ['"Infinity"', "Infinity"],
  ["-1", -1],
  ["0", 0],
  ["1e308", 1e308],
  ["2^31", 2_147_483_648],
];

const enums: [string, unknown][] = [
  ["unknown enum value", "NOT_A_VALUE"],
  ["empty enum value", ""],
];

const booleans: [string, unknown][] = [
  ["string", "yes"],
  ["number", 1],
];

/** What may be sent for one item of a list, when the list must be long. */
function sampleOf(type: GraphQLInputType, base: unknown): unknown {
  if (base !== undefined && base !== null) return base;
  const named = getNullableType(type);
  if (isScalarType(named) && named.name === "ID") return "00000000-0000-4000-8000-000000000000";
  if (isEnumType(named)) return named.getValues()[0].value;
  return "x";
}

export interface Replacement {
  path: (string | number)[];
  label: string;
  value: unknown;
  /** Text that fields refuse (see `Refusal`): the API must answer BAD_USER_INPUT. */
  refused?: Refusal;
}

/**
 * Every hostile replacement of one value: for a scalar, each hostile value of its type; for a
 * list, empty, huge, and each replacement of its first item; for an input object, each
 * replacement of each of its fields (present in `base` or not), recursively.
 */
export function* hostileReplacements(type: GraphQLInputType, base: unknown, path: (string | number)[] = []): Generator<Replacement> {
  const named: GraphQLInputType = getNullableType(type);
  if (isListType(named)) {
    const items = Array.isArray(base) ? base : [];
    yield { path, label: "empty list", value: [] };
    yield { path, label: "list of 5,000", value: Array.from({ length: 5_000 }, () => sampleOf(named.ofType, items[0])) };
    yield* hostileReplacements(named.ofType, items[0], [...path, 0]);
    return;
  }
  if (isInputObjectType(named)) {
    const fields = (base ?? {}) as Record<string, unknown>;
    for (const [name, field] of Object.entries(named.getFields())) {
      yield* hostileReplacements(field.type, fields[name], [...path, name]);
    }
    return;
  }
  const byScalar: Record<string, [string, unknown, Refusal?][]> = {
    Int: ints,
    Float: floats,
    Boolean: booleans,
    DateTime: dates,
    ID: texts,
    String: [...texts, ...cursors],
  };
  const values = isEnumType(named) ? enums : (byScalar[named.name] ?? texts);
  for (const [label, value, refused] of values) yield { path, label, value, refused };
  if (isNonNullType(type)) yield { path, label: "null", value: null };
}

/** `variables` with the value at `path` replaced (objects and lists on the way made as needed). */
export function replaceAt(variables: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(variables);
  let node: any = copy;
  for (const [index, key] of path.entries()) {
    if (index === path.length - 1) {
      node[key] = value;
      break;
    }
    node[key] ??= typeof path[index + 1] === "number" ? [] : {};
    node = node[key];
  }
  return copy;
}

/** The request body, with RawJson values spliced in as written. */
export function requestBody(query: string, variables: Record<string, unknown>, operationName: string): string {
  const raw: string[] = [];
  const json = JSON.stringify({ query, variables, operationName }, (_key, value) => {
    if (value instanceof RawJson) {
      raw.push(value.text);
      return `\u0000raw${raw.length - 1}\u0000`;
    }
    return value;
  });
  return json.replace(/"\\u0000raw(\d+)\\u0000"/g, (_match, index) => raw[Number(index)]);
}
