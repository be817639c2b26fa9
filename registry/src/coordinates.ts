import type { DocumentNode, GraphQLNamedType, GraphQLSchema } from "graphql";
import { TypeInfo, getNamedType, isEnumType, isInputObjectType, typeFromAST, visit, visitWithTypeInfo } from "graphql";

/**
 * The schema coordinates an operation uses, sorted and unique: `Type.field` for each selected field
 * (on its parent type as written: an interface's field through the interface), `Type.field(arg:)`
 * for each argument given, `Input.field` for input fields written in literals, `Enum.VALUE` for
 * enum literals. Meta fields (`__typename`, introspection) are left out: no schema change removes
 * them. What is not in the schema is skipped (the document may not validate against it).
 * Values passed in variables are not in the document: for a variable of an input or enum type, the
 * type itself (`UserFilter`) and everything a value of it could hold (each input field and enum value
 * reachable from it, through nested input types) count as used, so removing any of them, adding a
 * required input field or changing one's type touches the operation.
 */
export function operationCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const coordinates = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      VariableDefinition(node) {
        const type = typeFromAST(schema, node.type);
        if (type) addInputType(getNamedType(type), coordinates);
      },
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && !node.name.value.startsWith("__") && typeInfo.getFieldDef()) coordinates.add(`${parent.name}.${node.name.value}`);
      },
      Argument(node) {
        // Directive arguments (@include(if:)) belong to no type.
        if (typeInfo.getDirective()) return;
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field && typeInfo.getArgument()) coordinates.add(`${parent.name}.${field.name}(${node.name.value}:)`);
      },
      ObjectField(node) {
        const parent = typeInfo.getParentInputType();
        const named = parent && getNamedType(parent);
        if (named && isInputObjectType(named) && named.getFields()[node.name.value]) coordinates.add(`${named.name}.${node.name.value}`);
      },
      EnumValue(node) {
        const type = typeInfo.getInputType();
        const named = type && getNamedType(type);
        if (named && isEnumType(named) && named.getValue(node.value)) coordinates.add(`${named.name}.${node.value}`);
      },
    }),
  );
  return [...coordinates].sort();
}

/** An input or enum type, with every input field and enum value a variable of it could carry. */
function addInputType(type: GraphQLNamedType, coordinates: Set<string>): void {
  if (coordinates.has(type.name)) return;
  if (isEnumType(type)) {
    coordinates.add(type.name);
    for (const value of type.getValues()) coordinates.add(`${type.name}.${value.name}`);
  } else if (isInputObjectType(type)) {
    coordinates.add(type.name);
    for (const field of Object.values(type.getFields())) {
      coordinates.add(`${type.name}.${field.name}`);
      addInputType(getNamedType(field.type), coordinates);
    }
  }
}
