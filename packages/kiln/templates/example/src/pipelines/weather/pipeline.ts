import { node, pipeline } from "kiln";
import { makeReadings, reportStations, summarizeStations } from "./nodes.js";

/** make_readings → summarize_stations → report_stations; the datasets are in conf/base/catalog.yml. */
export function createPipeline() {
  return pipeline([
    node({
      func: makeReadings,
      inputs: "params:weather",
      outputs: "weather_readings",
      name: "make_readings",
    }),
    node({
      func: summarizeStations,
      inputs: "weather_readings",
      outputs: "station_summaries",
      name: "summarize_stations",
    }),
    node({
      func: reportStations,
      inputs: "station_summaries",
      outputs: "weather_report",
      name: "report_stations",
    }),
  ]);
}
