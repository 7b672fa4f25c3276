import { KilnError } from "kiln";

/**
 * Tracking could not be configured, reach its store, record a run or answer a query. Codes are
 * `KILN_TRACKING_*`, listed in docs/errors.md.
 */
export class TrackingError extends KilnError {}
