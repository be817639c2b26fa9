import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCredentialChange } from "../src/credential-changes";

const ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

describe("credential changes, as a gateway reads them", () => {
  it("reads ids from an event's payload or a header's JSON", () => {
    assert.deepEqual(parseCredentialChange({ sessionIds: [ID] }), { sessionIds: [ID] });
    assert.deepEqual(parseCredentialChange(JSON.stringify({ userIds: [ID], apiKeyIds: [ID] })), { userIds: [ID], apiKeyIds: [ID] });
  });

  it("refuses anything else: other fields, ids that are not UUIDs, broken JSON", () => {
    for (const value of [{ sessionIds: [ID], extra: true }, { userIds: ["alice"] }, { sessionIds: ID }, "{not json", 42, null]) {
      assert.equal(parseCredentialChange(value), undefined, JSON.stringify(value));
    }
  });
});
