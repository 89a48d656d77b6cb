import { Hono } from "hono";
import { readerFeed } from "../../subscriptions/reader-feed.ts";
import type { Env } from "../hono-env.ts";

/** The reader's private Atom feed. The link reads the feed and opens nothing else. */
export function feedRoutes() {
	const app = new Hono<Env>();
	app.get("/feed/:file{[A-Za-z0-9_-]{43}\\.xml}", async (c) => {
		const xml = await readerFeed(c.var.deps, c.req.param("file").slice(0, -4));
		c.header("Content-Type", "application/atom+xml; charset=utf-8");
		// Personal: feed readers may keep it, shared caches and search engines may not.
		c.header("Cache-Control", "private, max-age=600");
		c.header("X-Robots-Tag", "noindex");
		return c.body(xml);
	});
	return app;
}
