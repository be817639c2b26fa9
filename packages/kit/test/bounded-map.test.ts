import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BoundedMap } from "../src/bounded-map";

describe("a bounded map", () => {
  it("drops its oldest key to make room for a new one, and none for a key it has", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2);
    map.set("b", 20);
    assert.deepEqual(
      [...map],
      [
        ["a", 1],
        ["b", 20],
      ],
      "replacing a key drops nothing",
    );
    map.set("c", 3);
    assert.deepEqual(
      [...map],
      [
        ["b", 20],
        ["c", 3],
      ],
    );
    map.delete("b");
    map.set("b", 200);
    assert.deepEqual(
      [...map],
      [
        ["c", 3],
        ["b", 200],
      ],
      "deleted and set again: the newest",
    );
  });
});
