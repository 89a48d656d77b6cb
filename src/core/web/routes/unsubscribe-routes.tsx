/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { openManageSession, unsubscribe } from "../../subscriptions/manage-subscription.ts";
import type { Env } from "../hono-env.ts";
import { UnsubscribedPage, UnsubscribePage } from "../views/unsubscribe-page.tsx";

export function unsubscribeRoutes() {
	const app = new Hono<Env>();

	app.get("/unsubscribe/:token", async (c) => {
		const session = await openManageSession(c.var.deps, c.req.param("token"));
		if (session.reader.status === "unsubscribed") return c.html(<UnsubscribedPage token={session.manageToken} known />);
		return c.html(<UnsubscribePage token={session.manageToken} email={session.reader.email} />);
	});

	// RFC 8058 one-click: mailbox providers POST `List-Unsubscribe=One-Click` with no
	// cookie, Origin or CSRF token. The body is not even needed: the link is the
	// credential. Always 200, never a redirect, and repeating it is harmless.
	app.post("/unsubscribe/:token", async (c) => {
		const token = c.req.param("token");
		const known = await unsubscribe(c.var.deps, token);
		return c.html(<UnsubscribedPage token={token} known={known} />, 200);
	});

	return app;
}
