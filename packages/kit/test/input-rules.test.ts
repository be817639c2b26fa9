import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_MULTI_LINE_LENGTH, MAX_SINGLE_LINE_LENGTH, isStorableDate, textProblem } from "../src/input-rules";

describe("the kit's rule for text", () => {
  const refusedEverywhere: [string, string][] = [
    ["NUL", "a\u0000b"],
    ["BEL (C0)", "bell\u0007"],
    ["ESC (C0)", "\u001b[31mred"],
    ["vertical tab (C0)", "a\u000Bb"],
    ["form feed (C0)", "a\u000Cb"],
    ["DEL", "a\u007Fb"],
    ["NEL (C1)", "a\u0085b"],
    ["CSI (C1)", "a\u009Bb"],
    ["right-to-left override", "invoice\u202Efdp.exe"],
    ["left-to-right embedding", "a\u202Ab"],
    ["pop directional formatting", "a\u202Cb"],
    ["first strong isolate", "a\u2068b"],
    ["pop directional isolate", "a\u2069b"],
    ["a lone high surrogate", "a\uD800b"],
    ["a lone low surrogate", "a\uDC00b"],
  ];

  for (const [label, value] of refusedEverywhere) {
    it(`refuses ${label} in single-line and multi-line text`, () => {
      assert.ok(textProblem(value, "field", "single-line"));
      assert.ok(textProblem(value, "field", "multi-line"));
    });
  }

  it("lets a secret hold any character but NUL, within the single-line ceiling", () => {
    for (const [label, value] of refusedEverywhere.filter(([label]) => label !== "NUL")) {
      assert.equal(textProblem(value, "password", "secret"), undefined, label);
    }
    for (const value of ["a\tb", "a\nb", "a\r\nb", "x".repeat(MAX_SINGLE_LINE_LENGTH)]) assert.equal(textProblem(value, "password", "secret"), undefined);
    assert.equal(textProblem("a\u0000b", "password", "secret"), "password must not contain NUL characters");
    assert.equal(textProblem("x".repeat(MAX_SINGLE_LINE_LENGTH + 1), "password", "secret"), `password must be at most ${MAX_SINGLE_LINE_LENGTH} characters`);
  });

  it("refuses tabs and line breaks in single-line text only", () => {
    for (const value of ["a\tb", "a\nb", "a\rb", "a\r\nb", "a\u2028b", "a\u2029b"]) {
      assert.match(textProblem(value, "title", "single-line") ?? "", /^title must be a single line/);
      assert.equal(textProblem(value, "body", "multi-line"), undefined, JSON.stringify(value));
    }
  });

  it("accepts ordinary text in any script, emoji and marks that are not controls", () => {
    for (const value of ["Zoë Ångström", "अनुच्छेद 21", "李小龍", "مرحبا", "😀 👩🏽‍💻", "left\u200Eright mark", "non\u00A0breaking"]) {
      assert.equal(textProblem(value, "displayName", "single-line"), undefined, value);
    }
  });

  it("caps length at the ceiling of its kind, naming the field", () => {
    assert.equal(textProblem("x".repeat(MAX_SINGLE_LINE_LENGTH), "name", "single-line"), undefined);
    assert.equal(textProblem("x".repeat(MAX_SINGLE_LINE_LENGTH + 1), "name", "single-line"), `name must be at most ${MAX_SINGLE_LINE_LENGTH} characters`);
    assert.equal(textProblem("x".repeat(MAX_MULTI_LINE_LENGTH), "body", "multi-line"), undefined);
    assert.match(textProblem("x".repeat(MAX_MULTI_LINE_LENGTH + 1), "body", "multi-line") ?? "", /at most 100000/);
  });

  it("says which field and why", () => {
    assert.equal(textProblem("a\u0007", "input.displayName", "single-line"), "input.displayName must not contain control or bidirectional formatting characters");
    assert.equal(textProblem("a\u0000", "email", "single-line"), "email must not contain NUL characters");
  });
});

describe("dates Postgres stores", () => {
  it("are those of the years 1 to 9999", () => {
    assert.ok(isStorableDate(new Date("0001-01-01T00:00:00.000Z")));
    assert.ok(isStorableDate(new Date("9999-12-31T23:59:59.999Z")));
    assert.ok(isStorableDate(new Date("2026-05-01T10:00:00.000Z")));
    for (const iso of [
      "+099999-01-01T00:00:00.000Z",
      "+010000-01-01T00:00:00.000Z",
      "0000-12-31T23:59:59.999Z",
      "-271821-04-20T00:00:00.000Z",
      "+275760-09-13T00:00:00.000Z",
      "not a date",
    ]) {
      assert.equal(isStorableDate(new Date(iso)), false, iso);
    }
  });
});
