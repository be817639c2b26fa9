import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatError } from "../src/apollo";

describe("error formatting", () => {
  const format = formatError({ hideSuggestions: true });

  it("keeps client errors and their codes", () => {
    assert.deepEqual(format({ message: "nope", extensions: { code: "FORBIDDEN" } }), {
      message: "nope",
      extensions: { code: "FORBIDDEN" },
    });
  });

  it("hides the details of anything unexpected", () => {
    assert.deepEqual(format({ message: 'relation "users" does not exist', extensions: { code: "INTERNAL_SERVER_ERROR", stacktrace: ["at x"] } }), {
      message: "Internal server error",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
  });

  it("turns class-validator failures into field messages, dropping the submitted values", () => {
    const formatted = format({
      message: "Argument Validation Error",
      path: ["register"],
      extensions: {
        code: "BAD_USER_INPUT",
        validationErrors: [
          { property: "password", value: "hunter2", target: { password: "hunter2" }, constraints: { isLength: "password is too short" } },
        ],
      },
    });
    assert.deepEqual(formatted, {
      message: "password is too short",
      locations: undefined,
      path: ["register"],
      extensions: { code: "BAD_USER_INPUT", fields: [{ field: "password", message: "password is too short" }] },
    });
    assert.ok(!JSON.stringify(formatted).includes("hunter2"));
  });

  it("drops field suggestions when asked to", () => {
    const formatted = format({ message: 'Cannot query field "nam" on type "User". Did you mean "name"?', extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    assert.equal(formatted.message, 'Cannot query field "nam" on type "User".');
  });
});
