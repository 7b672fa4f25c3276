import { describe, expect, it } from "vitest";
import { ProjectError } from "./find-project.js";
import {
  checkPipelineName,
  checkProjectName,
  pipelineNameProblems,
  projectNameProblems,
  suggestProjectName,
} from "./project-names.js";

function thrown(fn: () => void): ProjectError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProjectError) return error;
    throw error;
  }
  throw new Error("expected a ProjectError");
}

describe("project names", () => {
  it.each(["demo", "my-project", "spaceflights_2", "a.b", "x1", "0day"])("accept %s", (name) => {
    expect(projectNameProblems(name)).toEqual([]);
  });

  it.each([
    ["", "it is empty"],
    ["My-Project", "npm package names are lowercase"],
    ["my project", 'it contains " "'],
    ["a/b", 'it contains "/"'],
    ["@scope/x", 'it contains "@", "/"'],
    [".hidden", "starts with a dot"],
    ["_private", "starts with a dot, underscore or hyphen"],
    ["trailing.", "ends with a dot"],
    ["node_modules", "reserved by npm"],
    ["con", "reserved file name on Windows"],
    ["fs", "Node.js built-in module"],
    ["kiln", "could not depend on kiln"],
    ["x".repeat(215), "longer than 214"],
  ])("refuse %j: %s", (name, problem) => {
    expect(projectNameProblems(name).join("; ")).toContain(problem);
  });

  it("suggest a valid name close to an invalid one", () => {
    expect(suggestProjectName("My Project")).toBe("my-project");
    expect(suggestProjectName("SpaceFlights")).toBe("space-flights");
    expect(suggestProjectName("__x__")).toBe("x");
    expect(suggestProjectName("demo")).toBeUndefined();
    expect(suggestProjectName("!!!")).toBeUndefined();
  });

  it("throw KILN_PROJECT_BAD_NAME with every problem and the suggestion", () => {
    const error = thrown(() => checkProjectName("My Project!"));
    expect(error.code).toBe("KILN_PROJECT_BAD_NAME");
    expect(error.message).toBe(
      '"My Project!" cannot be a project name: npm package names are lowercase; it contains " ", "!".',
    );
    expect(error.hint).toMatch(/^Try "my-project"\./);
    expect(() => checkProjectName("fine-name")).not.toThrow();
  });
});

describe("pipeline names", () => {
  it.each(["weather", "data_processing", "step2"])("accept %s", (name) => {
    expect(pipelineNameProblems(name)).toEqual([]);
  });

  it.each([
    ["", "empty"],
    ["2fast", "does not start with a letter"],
    ["_private", "does not start with a letter"],
    ["DataScience", "uppercase"],
    ["data-science", 'it contains "-"'],
    ["a".repeat(65), "longer than 64"],
  ])("refuse %j: %s", (name, problem) => {
    expect(pipelineNameProblems(name).join("; ")).toContain(problem);
  });

  it("throw KILN_PROJECT_BAD_PIPELINE_NAME with a snake_case suggestion", () => {
    const error = thrown(() => checkPipelineName("Data-Science"));
    expect(error.code).toBe("KILN_PROJECT_BAD_PIPELINE_NAME");
    expect(error.message).toContain('"Data-Science" cannot be a pipeline name');
    expect(error.hint).toMatch(/^Try "data_science"\./);
    expect(thrown(() => checkPipelineName("DataScience")).hint).toMatch(/^Try "data_science"\./);
  });
});
