import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pl from "nodejs-polars";
import {
  createModelInputTable,
  preprocessCompanies,
  preprocessShuttles,
} from "../../src/pipelines/data_processing/nodes.js";

describe("data processing", () => {
  test("turns ratings into fractions and t/f into booleans", () => {
    const companies = pl.DataFrame({
      id: [1, 2, 3],
      company_rating: ["100%", "85%", null],
      iata_approved: ["t", "f", "t"],
    });
    assert.deepEqual(preprocessCompanies(companies).toRecords(), [
      { id: 1, company_rating: 1, iata_approved: true },
      { id: 2, company_rating: 0.85, iata_approved: false },
      { id: 3, company_rating: null, iata_approved: true },
    ]);
  });

  test("turns money strings into numbers", () => {
    const shuttles = pl.DataFrame({
      d_check_complete: ["f"],
      moon_clearance_complete: ["t"],
      price: ["$1,325.0"],
    });
    assert.deepEqual(preprocessShuttles(shuttles).toRecords(), [
      { d_check_complete: false, moon_clearance_complete: true, price: 1325 },
    ]);
  });

  test("joins shuttles, reviews and companies, keeping complete rows only", () => {
    const shuttles = pl.DataFrame({ id: [10, 11, 12], company_id: [1, 1, 2], price: [100, null, 300] });
    const reviews = pl.DataFrame({ shuttle_id: [10, 11, 12], review_scores_rating: [90, 80, 70] });
    const companies = pl.DataFrame({ id: [1, 2], company_rating: [0.9, 0.8] });
    const table = createModelInputTable(shuttles, companies, reviews);
    assert.deepEqual(table.columns, ["company_id", "price", "review_scores_rating", "company_rating"]);
    assert.deepEqual(table.getColumn("price").toArray(), [100, 300]); // the shuttle without a price is gone
  });
});
