// Makes the raw data the spaceflights tutorial starts from: companies, shuttles and their reviews,
// in the shape (and with the mess) of Kedro's tutorial files: prices as "$1,325.0", ratings as
// "100%", booleans as "t"/"f", missing values. Seeded, so every run makes the same files.
import pl from "nodejs-polars";

export interface GenerationParameters {
  companies: number;
  shuttles: number;
  /** Share of shuttles that have reviews (0..1). */
  reviewed: number;
  seed: number;
}

/** A small seeded generator (mulberry32): numbers in [0, 1). */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOCATIONS = [
  "Isle of Man",
  "Niue",
  "Malta",
  "Jersey",
  "Sao Tome and Principe",
  "Iceland",
  "Faroe Islands",
  "Tuvalu",
  "Nauru",
  "Palau",
  "Chad",
  "Bhutan",
  "Andorra",
  "Lesotho",
  "Aruba",
  "Guam",
  "Samoa",
];
const SHUTTLE_TYPES = ["Type V5", "Type F5", "Type V2", "Type F2", "Type V3"];
const ENGINE_TYPES = ["Plasma", "Quantum", "Nuclear"];
const VENDORS = ["ThetaBase Services", "Banks, Wood and Phillips", "Nakamura Drives", "Orbital Dynamics"];
const POLICIES = ["strict", "moderate", "flexible"];
const MONEY = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Companies, shuttles and reviews, as the tutorial's CSV and Excel files hold them (all text). */
export function generateRawData(
  parameters: GenerationParameters,
): [pl.DataFrame, pl.DataFrame, pl.DataFrame] {
  const random = randomSource(parameters.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const maybe = <T>(value: T, missing: number): T | null => (random() < missing ? null : value);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const uniqueIds = (count: number): number[] => {
    const ids = new Set<number>();
    while (ids.size < count) ids.add(1000 + Math.floor(random() * 90_000));
    return [...ids];
  };

  const companyIds = uniqueIds(parameters.companies);
  const companyQuality = new Map<number, { rating: number; iata: boolean }>();
  const companies = {
    id: [] as number[],
    company_rating: [] as Array<string | null>,
    company_location: [] as Array<string | null>,
    total_fleet_count: [] as Array<number | null>,
    iata_approved: [] as Array<string | null>,
  };
  for (const id of companyIds) {
    const rating = Math.min(100, Math.round(70 + 12 * normal()));
    const iata = random() < 0.4;
    companyQuality.set(id, { rating: rating / 100, iata });
    companies.id.push(id);
    companies.company_rating.push(maybe(`${Math.max(20, rating)}%`, 0.06));
    companies.company_location.push(maybe(pick(LOCATIONS), 0.08));
    companies.total_fleet_count.push(maybe(1 + Math.floor(-Math.log(1 - random()) * 3), 0.01));
    companies.iata_approved.push(iata ? "t" : "f");
  }

  const shuttleIds = uniqueIds(parameters.shuttles);
  const shuttles = {
    id: [] as number[],
    shuttle_location: [] as Array<string | null>,
    shuttle_type: [] as string[],
    engine_type: [] as string[],
    engine_vendor: [] as string[],
    engines: [] as Array<number | null>,
    passenger_capacity: [] as number[],
    cancellation_policy: [] as string[],
    crew: [] as Array<number | null>,
    d_check_complete: [] as string[],
    moon_clearance_complete: [] as string[],
    price: [] as Array<string | null>,
    company_id: [] as number[],
  };
  const reviews = {
    shuttle_id: [] as number[],
    review_scores_rating: [] as Array<number | null>,
    review_scores_comfort: [] as Array<number | null>,
    review_scores_amenities: [] as Array<number | null>,
    review_scores_trip: [] as Array<number | null>,
    review_scores_crew: [] as Array<number | null>,
    review_scores_location: [] as Array<number | null>,
    review_scores_price: [] as Array<number | null>,
    number_of_reviews: [] as number[],
    reviews_per_month: [] as Array<number | null>,
  };
  for (const id of shuttleIds) {
    const typeIndex = Math.floor(random() * SHUTTLE_TYPES.length);
    const engines = 1 + Math.floor(random() * 4);
    const capacity = 1 + typeIndex + Math.floor(random() * 4);
    const crew = 1 + Math.floor(capacity / 2 + random() * 2);
    const dCheck = random() < 0.7;
    const moon = random() < 0.2;
    const companyId = pick(companyIds);
    const company = companyQuality.get(companyId)!;
    const score = Math.min(100, 80 + 8 * normal());
    // What a shuttle costs: the features the model will learn from, plus noise it cannot explain.
    const price =
      350 +
      140 * engines +
      260 * capacity +
      70 * crew +
      180 * Number(dCheck) +
      90 * Number(moon) +
      240 * Number(company.iata) +
      500 * company.rating +
      8 * score +
      45 * typeIndex +
      320 * normal();
    shuttles.id.push(id);
    shuttles.shuttle_location.push(maybe(pick(LOCATIONS), 0.03));
    shuttles.shuttle_type.push(SHUTTLE_TYPES[typeIndex]!);
    shuttles.engine_type.push(pick(ENGINE_TYPES));
    shuttles.engine_vendor.push(pick(VENDORS));
    shuttles.engines.push(maybe(engines, 0.01));
    shuttles.passenger_capacity.push(capacity);
    shuttles.cancellation_policy.push(pick(POLICIES));
    shuttles.crew.push(maybe(crew, 0.01));
    shuttles.d_check_complete.push(dCheck ? "t" : "f");
    shuttles.moon_clearance_complete.push(moon ? "t" : "f");
    shuttles.price.push(maybe(`$${MONEY.format(Math.max(100, price))}`, 0.01));
    shuttles.company_id.push(companyId);
    if (random() < parameters.reviewed) {
      const subScore = () => maybe(Math.min(10, Math.max(2, Math.round(score / 10 + normal()))), 0.02);
      reviews.shuttle_id.push(id);
      reviews.review_scores_rating.push(maybe(Math.round(score), 0.02));
      reviews.review_scores_comfort.push(subScore());
      reviews.review_scores_amenities.push(subScore());
      reviews.review_scores_trip.push(subScore());
      reviews.review_scores_crew.push(subScore());
      reviews.review_scores_location.push(subScore());
      reviews.review_scores_price.push(subScore());
      reviews.number_of_reviews.push(1 + Math.floor(-Math.log(1 - random()) * 30));
      reviews.reviews_per_month.push(maybe(Math.round(random() * 400) / 100, 0.03));
    }
  }
  const float = (name: string, values: Array<number | null>) => pl.Series(name, values, pl.Float64);
  const int = (name: string, values: Array<number | null>) => pl.Series(name, values, pl.Int64);
  return [
    pl.DataFrame([
      int("id", companies.id),
      pl.Series("company_rating", companies.company_rating, pl.Utf8),
      pl.Series("company_location", companies.company_location, pl.Utf8),
      float("total_fleet_count", companies.total_fleet_count),
      pl.Series("iata_approved", companies.iata_approved, pl.Utf8),
    ]),
    pl.DataFrame([
      int("shuttle_id", reviews.shuttle_id),
      ...(["rating", "comfort", "amenities", "trip", "crew", "location", "price"] as const).map((k) =>
        float(`review_scores_${k}`, reviews[`review_scores_${k}`]),
      ),
      int("number_of_reviews", reviews.number_of_reviews),
      float("reviews_per_month", reviews.reviews_per_month),
    ]),
    pl.DataFrame([
      int("id", shuttles.id),
      pl.Series("shuttle_location", shuttles.shuttle_location, pl.Utf8),
      pl.Series("shuttle_type", shuttles.shuttle_type, pl.Utf8),
      pl.Series("engine_type", shuttles.engine_type, pl.Utf8),
      pl.Series("engine_vendor", shuttles.engine_vendor, pl.Utf8),
      int("engines", shuttles.engines),
      int("passenger_capacity", shuttles.passenger_capacity),
      pl.Series("cancellation_policy", shuttles.cancellation_policy, pl.Utf8),
      int("crew", shuttles.crew),
      pl.Series("d_check_complete", shuttles.d_check_complete, pl.Utf8),
      pl.Series("moon_clearance_complete", shuttles.moon_clearance_complete, pl.Utf8),
      pl.Series("price", shuttles.price, pl.Utf8),
      int("company_id", shuttles.company_id),
    ]),
  ];
}
