import { Hono } from "hono";
import * as z from "zod";
import { isAppError } from "../../errors.ts";
import { keywordsField } from "../../subscriptions/form-schemas.ts";
import { PreviewCache, previewForVisitor } from "../../topics/keyword-preview.ts";
import type { Env } from "../hono-env.ts";

const query = z.object({ keywords: keywordsField });

export function previewRoutes() {
	const app = new Hono<Env>();
	// Kept by the app: per process on Node, per isolate on Workers.
	const cache = new PreviewCache();

	// The live preview behind the signup and manage forms (progressive: forms work without it).
	app.get("/preview", async (c) => {
		c.header("Cache-Control", "no-store");
		const parsed = query.safeParse({ keywords: c.req.query("keywords") ?? "" });
		// Half-typed topics are normal while typing: answer 200 with the problem to show.
		if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message ?? "Invalid keywords." });
		try {
			return c.json(await previewForVisitor(c.var.deps, parsed.data.keywords, { ip: c.get("clientIp"), cache }));
		} catch (error) {
			if (!isAppError(error) || error.code !== "rate_limited") throw error;
			return c.json({ error: error.message }, 429);
		}
	});

	return app;
}
