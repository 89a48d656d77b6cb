/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { isAppError } from "../../errors.ts";
import { confirmSubscription } from "../../subscriptions/confirm-subscription.ts";
import type { Env } from "../hono-env.ts";
import { MessagePage } from "../views/layout.tsx";

const headings = {
	already_used: "This link was already used",
	expired: "This link has expired",
	not_found: "This link is not valid",
} as const;

export function confirmRoutes() {
	const app = new Hono<Env>();

	// The link in the confirmation email: activates, then lands on the manage page.
	app.get("/confirm/:token", async (c) => {
		try {
			const { manageToken } = await confirmSubscription(c.var.deps, c.req.param("token"), {
				ip: c.get("clientIp"),
				userAgent: c.req.header("user-agent") ?? null,
			});
			return c.redirect(`/manage/${manageToken}?confirmed=1`, 303);
		} catch (error) {
			if (!isAppError(error) || !(error.code in headings)) throw error;
			const code = error.code as keyof typeof headings;
			return c.html(
				<MessagePage title={headings[code]}>
					<p>{error.message}</p>
					<p>
						{code === "already_used"
							? "If you confirmed already, you are all set. Every digest carries the link to manage your subscription."
							: "Confirmation links work once, for 48 hours. Sign up again and we will send you a fresh one."}
					</p>
					<p>
						<a href="/">Back to the signup form</a>
					</p>
				</MessagePage>,
				code === "not_found" ? 404 : 410,
			);
		}
	});

	return app;
}
