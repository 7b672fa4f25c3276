// Fresh imports of a project's code in a long-lived process (`kiln repl`'s reload(), a notebook).
//
// Node keeps every ES module it has imported for the life of the process and has no way to evict
// one. A module imported under a new URL is a new module, though, so a resolve hook appends
// `?kiln-reload=<n>` to every file of the project (outside node_modules) once a reload has been
// asked for. That covers the modules Kiln imports (src/pipelines.ts, settings, pipeline folders)
// and all the project files they import in turn; packages in node_modules, Kiln included, stay
// as they are so `instanceof Pipeline` keeps working. Modules of earlier generations stay in
// memory until the process ends.
import * as nodeModule from "node:module";
import { pathToFileURL } from "node:url";
import { MessageChannel, type MessagePort } from "node:worker_threads";
import type { Logger } from "../logging/index.js";

// Runs on Node's module-hooks thread, so it is plain JavaScript handed over as a data: URL (no
// separate file to ship or compile). It learns the project folder and generation by message and
// answers each one, so the next import is resolved with the new generation.
const HOOKS = `
let root = "";
let generation = 0;
export function initialize({ port }) {
  port.on("message", (message) => {
    root = message.root;
    generation = message.generation;
    port.postMessage(generation);
  });
  port.unref();
}
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (generation === 0 || !result.url.startsWith(root) || result.url.includes("/node_modules/")) return result;
  const url = new URL(result.url);
  url.searchParams.set("kiln-reload", String(generation));
  return { ...result, url: url.href };
}
`;

let port: MessagePort | undefined;
let generation = 0;

/**
 * Makes the next imports of the project's modules (every file under `projectRoot` outside
 * node_modules) load anew from disk. Returns false, after a warning, when this Node has no
 * module hooks (before 20.6): config is still re-read, code is not.
 */
export async function reimportProject(projectRoot: string, logger?: Logger): Promise<boolean> {
  const register = (nodeModule as { register?: typeof nodeModule.register }).register;
  if (typeof register !== "function") {
    logger?.warn(
      `Node ${process.version} cannot re-import modules (needs 20.6 or later); code is not reloaded.`,
    );
    return false;
  }
  if (!port) {
    const channel = new MessageChannel();
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
      data: { port: channel.port2 },
      transferList: [channel.port2],
    });
    port = channel.port1;
    port.unref();
  }
  generation += 1;
  const root = pathToFileURL(projectRoot).href.replace(/\/?$/, "/");
  const listening = port;
  // Referenced only while waiting for the answer, so the port never keeps the process alive.
  listening.ref();
  await new Promise<void>((resolve) => {
    listening.once("message", () => resolve());
    listening.postMessage({ root, generation });
  });
  listening.unref();
  return true;
}
