import type { Deps } from "../deps.ts";

/**
 * Hono's per-request variables for paperboy's app. `deps` are the request's services:
 * the same object for every request on Node, the invocation's own on Workers, where the
 * app itself (and the caches its routes keep) lives as long as the isolate.
 */
export type Env = { Variables: { clientIp: string | null; deps: Deps } };
