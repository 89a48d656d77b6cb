import { Hono } from "hono";
import * as z from "zod";
import { keywordsField } from "../../subscriptions/form-schemas.ts";
import { previewKeywords } from "../../topics/keyword-preview.ts";
import type { Env } from "../hono-env.ts";

const query = z.object({ keywords: keywordsField });

export function previewRoutes() {
	const app = new Hono<Env>();

	// The live preview behind the signup and manage forms (progressive: forms work without it).
	app.get("/preview", async (c) => {
		c.header("Cache-Control", "no-store");
		const parsed = query.safeParse({ keywords: c.req.query("keywords") ?? "" });
		// Half-typed topics are normal while typing: answer 200 with the problem to show.
		if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message ?? "Invalid keywords." });
		return c.json(await previewKeywords(c.var.deps, parsed.data.keywords));
	});

	return app;
}
