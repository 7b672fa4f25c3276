import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fitLinearRegression, predict } from "../../src/pipelines/data_science/linear-regression.js";

const close = (actual: number[], expected: number[], digits = 9) =>
  assert.deepEqual(
    actual.map((v) => Number(v.toFixed(digits))),
    expected.map((v) => Number(v.toFixed(digits))),
  );

describe("fitLinearRegression", () => {
  test("recovers exact coefficients and intercept", () => {
    const x = [
      [1, 2],
      [2, 1],
      [3, 5],
      [4, 3],
      [0, 7],
    ];
    const y = x.map(([a, b]) => 1 + 2 * a! + 3 * b!);
    const model = fitLinearRegression(x, y, ["a", "b"]);
    close(model.coefficients, [2, 3]);
    close([model.intercept], [1]);
    close(predict(model, [[10, 10]]), [51]);
  });

  test("gives collinear features the minimum-norm solution: the weight shared equally", () => {
    const model = fitLinearRegression(
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      [2, 4, 6],
      ["a", "a_again"],
    );
    close(model.coefficients, [1, 1]);
    close([model.intercept], [0]);
  });

  test("gives a constant feature coefficient 0, with no NaN", () => {
    const model = fitLinearRegression(
      [
        [1, 5],
        [2, 5],
        [3, 5],
      ],
      [2, 4, 6],
      ["a", "constant"],
    );
    close(model.coefficients, [2, 0]);
    assert.ok(Number.isFinite(model.intercept));
  });

  test("fits more features than rows (minimum norm), and an intercept-only model", () => {
    const wide = fitLinearRegression(
      [
        [1, 2, 3, 4],
        [2, 0, 1, 1],
      ],
      [1, 2],
      ["a", "b", "c", "d"],
    );
    close(
      predict(wide, [
        [1, 2, 3, 4],
        [2, 0, 1, 1],
      ]),
      [1, 2],
    );
    close(wide.coefficients, [1 / 18, -1 / 9, -1 / 9, -1 / 6]); // scikit-learn's answer
    const none = fitLinearRegression([[], [], []], [1, 2, 6], []);
    close([none.intercept], [3]);
  });

  test("refuses missing values and mismatched lengths, saying what to do", () => {
    assert.throws(
      () => fitLinearRegression([[1], [Number.NaN]], [1, 2], ["a"]),
      /finite numbers \(drop or fill missing values first\)/,
    );
    assert.throws(() => fitLinearRegression([[1], [2]], [1], ["a"]), /as many targets as rows/);
  });
});
