import pl from "nodejs-polars";

/** "t"/"f" → true/false (nulls stay null). */
const isTrue = (column: string) => pl.col(column).eq(pl.lit("t")).alias(column);
/** "85%" → 0.85. */
const percentage = (column: string) =>
  pl.col(column).str.replace("%", "").cast(pl.Float64).div(100).alias(column);
/** "$1,325.0" → 1325. */
const money = (column: string) => pl.col(column).str.replaceAll("[$,]", "").cast(pl.Float64).alias(column);

/** Companies with `iata_approved` as a boolean and `company_rating` as a fraction. */
export function preprocessCompanies(companies: pl.DataFrame): pl.DataFrame {
  return companies.withColumns(isTrue("iata_approved"), percentage("company_rating"));
}

/** Shuttles with the two checks as booleans and `price` as a number. */
export function preprocessShuttles(shuttles: pl.DataFrame): pl.DataFrame {
  return shuttles.withColumns(isTrue("d_check_complete"), isTrue("moon_clearance_complete"), money("price"));
}

/**
 * One row per reviewed shuttle with its company's details: shuttles joined with their reviews and
 * companies, rows with any missing value dropped.
 */
export function createModelInputTable(
  shuttles: pl.DataFrame,
  companies: pl.DataFrame,
  reviews: pl.DataFrame,
): pl.DataFrame {
  const ratedShuttles = shuttles.join(reviews, { leftOn: "id", rightOn: "shuttle_id" }).drop("id");
  return ratedShuttles.join(companies, { leftOn: "company_id", rightOn: "id" }).dropNulls();
}
