/** Hono's per-request variables for paperboy's app. */
export type Env = { Variables: { clientIp: string | null } };
