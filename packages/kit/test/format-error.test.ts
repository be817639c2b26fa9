import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GraphQLError } from "graphql";
import { formatError } from "../src/apollo";

describe("error formatting", () => {
  const format = formatError({ production: true });

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

  it("codes Apollo's own uncoded 4xx refusals as BAD_REQUEST, and nothing else", () => {
    const mismatch = new GraphQLError("provided sha does not match query", { extensions: { http: { status: 400 } } });
    assert.deepEqual(format({ message: mismatch.message, extensions: { code: "INTERNAL_SERVER_ERROR" } }, mismatch), {
      message: "provided sha does not match query",
      extensions: { code: "BAD_REQUEST" },
    });
    const bug = new GraphQLError("cannot read properties of undefined", { originalError: new TypeError("x"), extensions: { http: { status: 400 } } });
    const crash = new GraphQLError("socket hang up", { extensions: { http: { status: 502 } } });
    for (const error of [bug, crash, new GraphQLError("no status")]) {
      assert.deepEqual(format({ message: error.message, extensions: { code: "INTERNAL_SERVER_ERROR" } }, error), {
        message: "Internal server error",
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      });
    }
  });

  it("turns class-validator failures into field messages, dropping the submitted values", () => {
    const formatted = format({
      message: "Argument Validation Error",
      path: ["register"],
      extensions: {
        code: "BAD_USER_INPUT",
        validationErrors: [{ property: "password", value: "hunter2", target: { password: "hunter2" }, constraints: { isLength: "password is too short" } }],
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

  it("drops subgraph names in production, keeps them in development", () => {
    const error = { message: "nope", extensions: { code: "FORBIDDEN", serviceName: "users" } };
    assert.deepEqual(format(error).extensions, { code: "FORBIDDEN" });
    assert.deepEqual(formatError({ production: false })(error).extensions, { code: "FORBIDDEN", serviceName: "users" });
  });

  it("names the subgraph of a forwarded refusal in development only, and an unavailable one always", () => {
    const refusal = { message: "too long", extensions: { code: "BAD_REQUEST", limit: "MAX_LIST_LENGTH", service: "assessments" } };
    assert.deepEqual(format(refusal).extensions, { code: "BAD_REQUEST", limit: "MAX_LIST_LENGTH" });
    assert.deepEqual(formatError({ production: false })(refusal).extensions, refusal.extensions);
    const unavailable = { message: "The users service is unavailable", extensions: { code: "SERVICE_UNAVAILABLE", service: "users" } };
    assert.deepEqual(format(unavailable).extensions, { code: "SERVICE_UNAVAILABLE", service: "users" });
  });

  it("drops field suggestions in production", () => {
    const formatted = format({ message: 'Cannot query field "nam" on type "User". Did you mean "name"?', extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    assert.equal(formatted.message, 'Cannot query field "nam" on type "User".');
  });
});

describe("error logging", () => {
  it("logs database errors without their statement or values", async () => {
    const { UniqueConstraintViolationException } = await import("@mikro-orm/core");
    const { serializeError } = await import("../src/logger.js");
    const cause = Object.assign(new Error('insert into "users" ("password_hash") values ($argon2id$secret) - duplicate key'), {
      code: "23505",
      detail: "Key (email_normalized)=(ada@example.com) already exists.",
      constraint: "users_email_normalized_unique",
    });
    const error = new UniqueConstraintViolationException(cause);
    const logged = JSON.stringify(serializeError(error));
    assert.ok(!logged.includes("argon2id"), logged);
    assert.ok(!logged.includes("ada@example.com"), logged);
    assert.match(logged, /users_email_normalized_unique/);
  });

  it('logs node-postgres errors (whose name is just "error") without their statement', async () => {
    const { DatabaseError } = await import("pg-protocol");
    const { serializeError } = await import("../src/logger.js");
    const error = new DatabaseError(`select * from users where email = 'ada@example.com' - malformed`, 100, "error");
    Object.assign(error, { code: "22P02", severity: "ERROR", routine: "array_in" });
    const logged = JSON.stringify(serializeError(error));
    assert.ok(!logged.includes("ada@example.com"), logged);
    assert.match(logged, /22P02/);
  });
});

describe("metric labels", () => {
  it("keeps client-chosen operation names from growing the label set without bound", async () => {
    const { boundedLabels } = await import("../src/metrics.js");
    const label = boundedLabels(3);
    assert.deepEqual([label("A"), label("B"), label("C"), label("D"), label("A"), label(null), label("bad name!")], ["A", "B", "C", "other", "A", "anonymous", "other"]);
  });
});
