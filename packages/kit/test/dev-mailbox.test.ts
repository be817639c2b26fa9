import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { appendToDevMailbox, readDevMailbox } from "../src/dev-mailbox";

describe("the development mailbox", () => {
  it("lists the newest mails, oldest first, reading only the end of a mailbox of any length", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-mailbox-"));
    const file = path.join(dir, "mailbox.jsonl");
    try {
      assert.deepEqual(await readDevMailbox(file), [], "no file yet: no mail");
      // About 3 MB: well past the part of the file that is read.
      const text = "x".repeat(1_000);
      const lines = Array.from({ length: 3_000 }, (_, index) =>
        JSON.stringify({ to: `n${index}@example.test`, subject: `#${index}`, text, at: new Date(index).toISOString() }),
      );
      fs.writeFileSync(file, `${lines.join("\n")}\n`);
      await appendToDevMailbox(file, { to: "last@example.test", subject: "last", text: "token=abc", at: new Date().toISOString() });
      const listed = await readDevMailbox(file);
      assert.equal(listed.length, 200);
      assert.deepEqual(
        listed.map((mail) => mail.subject),
        [...Array.from({ length: 199 }, (_, index) => `#${2_801 + index}`), "last"],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
