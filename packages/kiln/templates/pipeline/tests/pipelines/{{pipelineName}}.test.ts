import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger, KilnSession } from "kiln";
import { firstStep } from "../../{{sourceDir}}/pipelines/{{pipelineName}}/nodes.js";
import { inProjectCopy } from "../support/project-copy.js";

test("firstStep upper-cases the message", () => {
  assert.equal(firstStep({ message: "hi" }), "HI");
});

test("the {{pipelineName}} pipeline runs through KilnSession", async () => {
  await inProjectCopy(async (projectPath) => {
    const session = await KilnSession.create({ projectPath, logger: createLogger({ level: "silent" }) });
    const outputs = await session.run({ pipeline: "{{pipelineName}}" });
    assert.equal(outputs["{{pipelineName}}_result"], "HELLO");
  });
});
