import { ExportError } from "./errors.js";

// The grammar of Docker image references (the distribution project's `reference` package).
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

/**
 * Checks a Docker image reference (`[registry[:port]/]name[:tag][@digest]`), as `docker pull` would.
 * @throws ExportError `KILN_EXPORT_BAD_IMAGE` saying what is wrong.
 */
export function checkImageName(image: string): void {
  const bad = (why: string, hint: string) =>
    new ExportError("KILN_EXPORT_BAD_IMAGE", `--image "${image}" is not a valid image reference: ${why}.`, {
      hint,
    });
  const example =
    "e.g. --image registry.example.com/team/spaceflights:1.0 (the image `kiln docker init` builds)";
  if (image.trim() === "") throw bad("it is empty", example);
  if (/\s/.test(image)) throw bad("it contains whitespace", example);
  const match = REFERENCE.exec(image);
  if (!match) {
    const path = image.split("@")[0]!.replace(/:[\w][\w.-]*$/, "");
    if (/[A-Z]/.test(path.slice(path.indexOf("/") + 1)))
      throw bad(
        "repository names are lower-case",
        `Use "${image.toLowerCase()}" (the tag may keep its case).`,
      );
    throw bad(
      "names are lower-case letters, digits and . _ - separated by /, then an optional :tag and @sha256:digest",
      example,
    );
  }
  const name = (match[1] ? `${match[1]}/` : "") + match[2];
  if (name.length > 255) throw bad(`its name is ${name.length} characters long (at most 255)`, example);
}
