/**
 * Calls `handler` on the first SIGINT or SIGTERM, and exits (130) on the second: Ctrl-C once asks
 * for a clean stop, twice means now.
 * @returns a function that stops listening.
 */
export function onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void {
  let interrupted = false;
  const listener = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    handler(signal);
  };
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  return () => {
    process.off("SIGINT", listener);
    process.off("SIGTERM", listener);
  };
}
