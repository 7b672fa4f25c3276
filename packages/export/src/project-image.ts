/** Where `kiln docker init`'s image holds the project; the exports run `kiln` there. */
export const APP_DIR = "/app";
