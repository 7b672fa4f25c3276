// Kept apart from connection.ts so that code which only names a URL does not load ioredis.

/** `KILN_REDIS_URL`, else a Redis on this machine's default port. */
export function defaultRedisUrl(): string {
  return process.env.KILN_REDIS_URL || "redis://127.0.0.1:6379";
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function shownUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, "$1***@");
}
