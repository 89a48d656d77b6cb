import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import type { Config } from "../../config.ts";
import type { Deps } from "../../deps.ts";
import type { Env } from "../hono-env.ts";

/** What a runtime that keeps metrics gives the app (Node: prom-client, src/node/metrics.ts). */
export interface AppMetrics {
	/** Called after every request with the route pattern that answered (never the path: it holds tokens). */
	observeRequest(request: { method: string; route: string; status: number; seconds: number }): void;
	/** The Prometheus text exposition, with the gauges read from the database now. */
	render(deps: Deps): Promise<{ contentType: string; body: string }>;
}

/** `GET /metrics` behind METRICS_TOKEN (a bearer token of its own); absent (404) without one. */
export function metricsRoutes(config: Config, metrics: AppMetrics | undefined) {
	const app = new Hono<Env>();
	const token = config.metricsToken;
	if (!token || !metrics) return app;
	app.get("/metrics", bearerAuth({ token }), async (c) => {
		const { contentType, body } = await metrics.render(c.var.deps);
		c.header("Content-Type", contentType);
		c.header("Cache-Control", "no-store");
		return c.body(body);
	});
	return app;
}
