import type {
  DirectiveNode,
  DefinitionNode,
  DocumentNode,
  EnumTypeDefinitionNode,
  FieldDefinitionNode,
  InputObjectTypeDefinitionNode,
  InputValueDefinitionNode,
  InterfaceTypeDefinitionNode,
  ObjectTypeDefinitionNode,
  ScalarTypeDefinitionNode,
  TypeNode,
  UnionTypeDefinitionNode,
} from "graphql";
import { Kind, buildASTSchema, buildSchema, parse, printSchema } from "graphql";
import type { Variant } from "./api-types";

/*
 * Contract variants, as GraphOS makes them: the API schema filtered by the @tag applications the
 * subgraphs put on their types, fields, arguments, enum values and input fields (they survive into
 * the supergraph, not into the API schema, so they are read from the supergraph).
 * exclude: an element with an excluded tag goes (a type with all its fields).
 * include (when not empty): only elements with an included tag stay; a tagged type keeps its fields.
 * Then whatever is left dangling goes: fields and arguments whose type went, types with no fields,
 * values or members left, and types no root reaches any more.
 */

/** Schema coordinate (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `Input.field`) → its tags. */
function readTags(supergraphSdl: string): Map<string, Set<string>> {
  const tags = new Map<string, Set<string>>();
  const add = (coordinate: string, directives: readonly DirectiveNode[] | undefined) => {
    for (const directive of directives ?? []) {
      if (directive.name.value !== "tag") continue;
      const argument = directive.arguments?.find((arg) => arg.name.value === "name");
      if (argument?.value.kind !== Kind.STRING) continue;
      const set = tags.get(coordinate) ?? new Set<string>();
      set.add(argument.value.value);
      tags.set(coordinate, set);
    }
  };
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (!("name" in definition) || !definition.name || !("directives" in definition)) continue;
    const type = definition.name.value;
    add(type, definition.directives);
    if ("fields" in definition) {
      for (const field of definition.fields ?? []) {
        add(`${type}.${field.name.value}`, field.directives);
        for (const argument of ("arguments" in field ? field.arguments : undefined) ?? [])
          add(`${type}.${field.name.value}(${argument.name.value}:)`, argument.directives);
      }
    }
    if ("values" in definition) for (const value of definition.values ?? []) add(`${type}.${value.name.value}`, value.directives);
  }
  return tags;
}

type Filter = Pick<Variant, "include" | "exclude">;

/** Whether a filtered API schema (perhaps blank: the filter left nothing) still has a Query type. */
export const servesQueries = (apiSdl: string): boolean => Boolean(apiSdl.trim()) && Boolean(buildSchema(apiSdl).getQueryType());

export function filterApiSchema(apiSdl: string, supergraphSdl: string, filter: Filter): string {
  const tags = readTags(supergraphSdl);
  const exclude = new Set(filter.exclude);
  const include = new Set(filter.include);
  const tagged = (coordinate: string, wanted: Set<string>) => [...(tags.get(coordinate) ?? [])].some((tag) => wanted.has(tag));
  const excluded = (coordinate: string) => tagged(coordinate, exclude);
  // A member (field, value, argument) stays under include if it or its type is tagged so.
  const kept = (type: string, member: string) => !excluded(`${type}.${member}`) && (!include.size || tagged(type, include) || tagged(`${type}.${member}`, include));

  const document = parse(apiSdl, { noLocation: true });
  let definitions: DefinitionNode[] = document.definitions
    .filter((definition) => !("name" in definition && definition.name && excluded(definition.name.value)))
    .map((definition) => {
      switch (definition.kind) {
        case Kind.OBJECT_TYPE_DEFINITION:
        case Kind.INTERFACE_TYPE_DEFINITION: {
          const type = definition.name.value;
          const fields = (definition.fields ?? [])
            .filter((field) => kept(type, field.name.value))
            .map((field) => ({ ...field, arguments: field.arguments?.filter((argument) => !excluded(`${type}.${field.name.value}(${argument.name.value}:)`)) }));
          return { ...definition, fields };
        }
        case Kind.INPUT_OBJECT_TYPE_DEFINITION: {
          const type = definition.name.value;
          return { ...definition, fields: definition.fields?.filter((field) => !excluded(`${type}.${field.name.value}`)) };
        }
        case Kind.ENUM_TYPE_DEFINITION: {
          const type = definition.name.value;
          return { ...definition, values: definition.values?.filter((value) => !excluded(`${type}.${value.name.value}`)) };
        }
        default:
          return definition;
      }
    });
  definitions = prune(definitions);
  return printSchema(buildASTSchema({ kind: Kind.DOCUMENT, definitions })).trim() + "\n";
}

const BUILT_IN_SCALARS = new Set(["String", "Int", "Float", "Boolean", "ID"]);
const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));
const isRequired = (input: InputValueDefinitionNode) => input.type.kind === Kind.NON_NULL_TYPE && !input.defaultValue;
type TypeDefinition =
  ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode | InputObjectTypeDefinitionNode | EnumTypeDefinitionNode | UnionTypeDefinitionNode | ScalarTypeDefinitionNode;
const TYPE_KINDS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.UNION_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_DEFINITION,
]);
const isTypeDefinition = (definition: DefinitionNode): definition is TypeDefinition => TYPE_KINDS.has(definition.kind);

/** Drops what points at nothing, round after round until nothing more goes; then the types no root reaches. */
function prune(start: DefinitionNode[]): DefinitionNode[] {
  let definitions = start;
  for (;;) {
    const names = new Set(definitions.filter(isTypeDefinition).map((definition) => definition.name.value));
    const exists = (type: TypeNode) => BUILT_IN_SCALARS.has(namedType(type)) || names.has(namedType(type));
    const next = definitions.flatMap((definition): DefinitionNode[] => {
      switch (definition.kind) {
        case Kind.OBJECT_TYPE_DEFINITION:
        case Kind.INTERFACE_TYPE_DEFINITION: {
          const fields = (definition.fields ?? []).flatMap((field): FieldDefinitionNode[] => {
            const args = field.arguments ?? [];
            // A field that lost a required argument could not be asked for any more.
            if (!exists(field.type) || args.some((arg) => isRequired(arg) && !exists(arg.type))) return [];
            return [{ ...field, arguments: args.filter((arg) => exists(arg.type)) }];
          });
          const interfaces = (definition.interfaces ?? []).filter((ref) => names.has(ref.name.value));
          return fields.length ? [{ ...definition, fields, interfaces }] : [];
        }
        case Kind.INPUT_OBJECT_TYPE_DEFINITION: {
          const all = definition.fields ?? [];
          const fields = all.filter((field) => exists(field.type));
          return fields.length && !all.some((field) => isRequired(field) && !exists(field.type)) ? [{ ...definition, fields }] : [];
        }
        case Kind.ENUM_TYPE_DEFINITION:
          return definition.values?.length ? [definition] : [];
        case Kind.UNION_TYPE_DEFINITION: {
          const types = (definition.types ?? []).filter((member) => names.has(member.name.value));
          return types.length ? [{ ...definition, types }] : [];
        }
        case Kind.SCHEMA_DEFINITION:
          return [{ ...definition, operationTypes: definition.operationTypes.filter((operation) => names.has(operation.type.name.value)) }];
        default:
          return [definition];
      }
    });
    const consistent = implementedInterfaceFields(next);
    if (JSON.stringify(consistent) === JSON.stringify(definitions)) return reachable(consistent);
    definitions = consistent;
  }
}

/** An interface keeps only the fields every type implementing it still has (else the schema is invalid). */
function implementedInterfaceFields(definitions: DefinitionNode[]): DefinitionNode[] {
  const implementers = definitions.filter(
    (definition): definition is ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION,
  );
  return definitions.map((definition) => {
    if (definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) return definition;
    const name = definition.name.value;
    const fieldSets = implementers
      .filter((type) => type.interfaces?.some((ref) => ref.name.value === name))
      .map((type) => new Set((type.fields ?? []).map((field) => field.name.value)));
    return { ...definition, fields: definition.fields?.filter((field) => fieldSets.every((set) => set.has(field.name.value))) };
  });
}

/** Keeps the types reachable from the root types (and the implementations of reachable interfaces). */
function reachable(definitions: DefinitionNode[]): DocumentNode["definitions"] & DefinitionNode[] {
  const types = new Map(definitions.filter(isTypeDefinition).map((definition) => [definition.name.value, definition]));
  const schema = definitions.find((definition) => definition.kind === Kind.SCHEMA_DEFINITION);
  const roots = schema ? schema.operationTypes.map((operation) => operation.type.name.value) : ["Query", "Mutation", "Subscription"];
  const seen = new Set<string>();
  const pending = roots.filter((root) => types.has(root));
  const visitType = (name: string) => {
    if (!seen.has(name) && types.has(name)) pending.push(name);
  };
  while (pending.length) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const definition = types.get(name)!;
    if ("fields" in definition) {
      for (const field of definition.fields ?? []) {
        visitType(namedType(field.type));
        for (const arg of ("arguments" in field ? field.arguments : undefined) ?? []) visitType(namedType(arg.type));
      }
    }
    if ("interfaces" in definition) for (const ref of definition.interfaces ?? []) visitType(ref.name.value);
    if (definition.kind === Kind.UNION_TYPE_DEFINITION) for (const member of definition.types ?? []) visitType(member.name.value);
    if (definition.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      for (const other of types.values()) if ("interfaces" in other && other.interfaces?.some((ref) => ref.name.value === name)) visitType(other.name.value);
    }
  }
  return definitions.filter((definition) => !isTypeDefinition(definition) || seen.has(definition.name.value));
}
