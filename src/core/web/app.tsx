/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import { secureHeaders } from "hono/secure-headers";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Config } from "../config.ts";
import type { Deps } from "../deps.ts";
import { type ErrorCode, isAppError } from "../errors.ts";
import { checkHealth } from "../health.ts";
import { sourceStatuses } from "../papers/source-alarms.ts";
import { type AssetName, assetPath, assets } from "./assets.ts";
import type { Env } from "./hono-env.ts";
import { redactedPath } from "./redacted-path.ts";
import { adminPages } from "./routes/admin-pages.tsx";
import { adminRoutes } from "./routes/admin-routes.ts";
import { confirmRoutes } from "./routes/confirm-routes.tsx";
import { dataRoutes } from "./routes/data-routes.tsx";
import { feedRoutes } from "./routes/feed-routes.ts";
import { feedbackRoutes } from "./routes/feedback-routes.tsx";
import { manageRoutes, paperUploadPath } from "./routes/manage-routes.tsx";
import { type AppMetrics, metricsRoutes } from "./routes/metrics-routes.ts";
import { previewRoutes } from "./routes/preview-routes.ts";
import { signupRoutes } from "./routes/signup-routes.tsx";
import { unsubscribeRoutes } from "./routes/unsubscribe-routes.tsx";
import { webhookRoutes } from "./routes/webhook-routes.ts";
import { MessagePage } from "./views/layout.tsx";

export interface AppOptions {
	/** The services for this request: the same for every request on Node, per invocation on Workers. */
	deps: (c: Context) => Deps;
	/** The peer address as the runtime sees it (socket on Node, CF-Connecting-IP on Workers). */
	clientIp?: (c: Context) => string | null | undefined;
	/** How the SES webhook reaches Amazon SNS (certificates, confirmations); the runtime's fetch by default. */
	fetch?: typeof fetch;
	/** Request timings and `GET /metrics`, where the runtime keeps metrics (Node). */
	metrics?: AppMetrics;
}

const statusFor: Record<ErrorCode, ContentfulStatusCode> = {
	invalid_input: 422,
	invalid_payload: 400,
	not_found: 404,
	expired: 410,
	already_used: 410,
	rate_limited: 429,
	forbidden: 403,
	rejected: 502,
	unavailable: 503,
	config: 500,
};

/**
 * The whole web app. Built once per process (Node) or isolate (Workers) for one set of
 * settings; each request brings its own services (`options.deps`).
 */
export function createApp(config: Config, options: AppOptions) {
	const app = new Hono<Env>();
	const ownOrigin = new URL(config.baseUrl).origin;

	app.use(async (c, next) => {
		c.set("deps", options.deps(c));
		await next();
	});

	const { metrics } = options;
	if (metrics) {
		app.use(async (c, next) => {
			const start = performance.now();
			await next();
			// The pattern of the route that answered (`/manage/:token`), or the middleware that did.
			const route = c.res.status === 404 ? "(none)" : routePath(c);
			metrics.observeRequest({
				method: c.req.method,
				route,
				status: c.res.status,
				seconds: (performance.now() - start) / 1000,
			});
		});
	}

	app.use(
		secureHeaders({
			contentSecurityPolicy: {
				defaultSrc: ["'none'"],
				scriptSrc: ["'self'"],
				styleSrc: ["'self'"],
				imgSrc: ["'self'"],
				connectSrc: ["'self'"],
				formAction: ["'self'"],
				frameAncestors: ["'none'"],
				baseUri: ["'none'"],
			},
			// Tokens live in URL paths: never leak them to the sites we link to.
			referrerPolicy: "no-referrer",
			crossOriginEmbedderPolicy: false,
		}),
	);
	const formLimit = bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text("Request body too large", 413) });
	// The manage page's paper upload has a larger limit of its own (manage-routes.tsx).
	app.use((c, next) => (c.req.method === "POST" && paperUploadPath.test(c.req.path) ? next() : formLimit(c, next)));
	app.use(async (c, next) => {
		// The trusted proxy appends the peer it saw; entries left of it are whatever the client sent.
		const forwarded = config.trustProxy ? c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim() : undefined;
		c.set("clientIp", forwarded || options.clientIp?.(c) || null);
		await next();
		// Pages behind a token are personal: keep them out of shared caches and history.
		if (/^\/(manage|unsubscribe|confirm|data|feedback)\/|^\/admin(\/|$)/.test(c.req.path))
			c.header("Cache-Control", "no-store");
	});
	// Forms behind a link must come from our own pages (plus the hidden HMAC field each
	// form carries): BASE_URL's origin, never whatever Host the request names. The
	// one-click unsubscribe POST is deliberately not covered.
	app.use("/manage/*", csrf({ origin: ownOrigin }));
	app.use("/data/*", csrf({ origin: ownOrigin }));
	app.use("/feedback/*", csrf({ origin: ownOrigin }));

	app.get("/static/:name", (c) => {
		const asset = assets[c.req.param("name") as AssetName];
		if (!asset) return c.notFound();
		c.header("Content-Type", asset.type);
		c.header("Cache-Control", c.req.query("v") === asset.hash ? "public, max-age=31536000, immutable" : "no-cache");
		return c.body(asset.body);
	});
	app.get("/favicon.ico", (c) => c.redirect(assetPath("favicon.svg"), 301));
	// `sources` names paper sources in alarm (stale, or the same batch again): worth a look,
	// not a reason to take the instance out of service.
	app.get("/healthz", async (c) => {
		const health = await checkHealth(c.var.deps);
		const alarmed = (await sourceStatuses(c.var.deps)).filter((s) => s.alarm);
		c.header("Cache-Control", "no-store");
		if (!health.ok) c.var.deps.log.warn("unhealthy", { problems: health.problems });
		const sources = alarmed.map((s) => ({ source: s.source, alarm: s.alarm, since: s.alarmSince }));
		return c.json({ ...health, sources }, health.ok ? 200 : 503);
	});

	app.route("/", signupRoutes());
	app.route("/", confirmRoutes());
	app.route("/", manageRoutes());
	app.route("/", unsubscribeRoutes());
	app.route("/", dataRoutes());
	app.route("/", feedRoutes());
	app.route("/", feedbackRoutes());
	app.route("/", previewRoutes());
	app.route("/", adminRoutes(config));
	app.route("/", webhookRoutes({ fetch: options.fetch }));
	app.route("/", adminPages(config));
	app.route("/", metricsRoutes(config, metrics));

	app.notFound((c) =>
		c.html(
			<MessagePage title="Page not found">
				<p>
					There is nothing at this address. <a href="/">Go to the signup form</a>.
				</p>
			</MessagePage>,
			404,
		),
	);

	app.onError((error, c) => {
		if (isAppError(error)) {
			const status = statusFor[error.code];
			if (status >= 500) {
				c.var.deps.log.error("request failed", { path: redactedPath(c.req.path), code: error.code, error });
			}
			return c.html(
				<MessagePage title={status === 404 ? "Link not valid" : "Something is not right"}>
					<p>{error.message}</p>
					<p>
						<a href="/">Go to the signup form</a>
					</p>
				</MessagePage>,
				status,
			);
		}
		// Hono's own errors (e.g. the CSRF check) carry a status of their own.
		const status = (error as { status?: number }).status;
		if (typeof status === "number" && status >= 400 && status < 500) {
			// A 401 says how to authenticate (the admin endpoints' Bearer challenge).
			const challenge = error instanceof HTTPException ? error.getResponse().headers.get("www-authenticate") : null;
			if (challenge) c.header("WWW-Authenticate", challenge);
			return c.html(
				<MessagePage title="Request refused">
					<p>This request was refused. Reload the page and try again.</p>
				</MessagePage>,
				status as ContentfulStatusCode,
			);
		}
		c.var.deps.log.error("unhandled error", { path: redactedPath(c.req.path), error });
		return c.html(
			<MessagePage title="Something went wrong">
				<p>Sorry, something broke on our side. Please try again in a minute.</p>
			</MessagePage>,
			500,
		);
	});

	return app;
}

export type App = ReturnType<typeof createApp>;
