/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { openUnsubscribePage, unsubscribe } from "../../subscriptions/unsubscribe.ts";
import type { Env } from "../hono-env.ts";
import { UnsubscribedPage, UnsubscribePage } from "../views/unsubscribe-page.tsx";

export function unsubscribeRoutes() {
	const app = new Hono<Env>();

	app.get("/unsubscribe/:token", async (c) => {
		const token = c.req.param("token");
		const reader = await openUnsubscribePage(c.var.deps, token);
		if (reader.status === "unsubscribed") return c.html(<UnsubscribedPage known />);
		return c.html(<UnsubscribePage token={token} email={reader.email} />);
	});

	// RFC 8058 one-click: mailbox providers POST `List-Unsubscribe=One-Click` with no
	// cookie, Origin or CSRF token. The body is not even needed: the link is the
	// credential. Always 200 (202 when a busy database has it retried after the response),
	// never a redirect, and repeating it is harmless.
	app.post("/unsubscribe/:token", async (c) => {
		const outcome = await unsubscribe(c.var.deps, c.req.param("token"));
		return c.html(<UnsubscribedPage known={outcome !== "unknown"} />, outcome === "queued" ? 202 : 200);
	});

	return app;
}
