import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import type { Config } from "../../config.ts";
import { fieldErrors } from "../../subscriptions/form-schemas.ts";
import { suppressAddress, suppressionReport } from "../../subscriptions/suppress.ts";
import type { Env } from "../hono-env.ts";

/**
 * Machine endpoints behind ADMIN_TOKEN as a bearer token; absent (404) when no token is
 * configured. The operator's pages are admin-pages.tsx.
 */
export function adminRoutes(config: Config) {
	const app = new Hono<Env>();
	const token = config.adminToken;
	if (!token) return app;
	// Bounce and complaint reports: `{"email": "...", "reason": "bounce"|"complaint"}`.
	app.post("/admin/suppressions", bearerAuth({ token }), async (c) => {
		const body: unknown = await c.req.json().catch(() => undefined);
		const parsed = suppressionReport.safeParse(body);
		if (!parsed.success) return c.json({ error: "invalid report", fields: fieldErrors(parsed.error) }, 422);
		await suppressAddress(c.var.deps, parsed.data);
		return c.json({ suppressed: parsed.data.email, reason: parsed.data.reason });
	});

	return app;
}
