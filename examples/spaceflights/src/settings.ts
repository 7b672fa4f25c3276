import { defineSettings } from "kiln";

/**
 * Project settings, read by every kiln command: plugins (hooks, dataset types, commands) in the
 * order their hooks run, project dataset types, and config loader options.
 */
export default defineSettings({
  plugins: [],
});
