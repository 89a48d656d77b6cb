/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { listRecentPapers } from "../../db/papers.ts";
import type { Deps } from "../../deps.ts";
import { isAppError } from "../../errors.ts";
import { fieldErrors, subscribeForm } from "../../subscriptions/forms.ts";
import { subscribe } from "../../subscriptions/subscribe.ts";
import { stampForm } from "../../subscriptions/tokens.ts";
import type { Env } from "../env.ts";
import { readForm } from "../form.ts";
import { MessagePage } from "../views/layout.tsx";
import { SignupPage, type SignupValues } from "../views/signup-page.tsx";

export function signupRoutes(deps: Deps) {
	const app = new Hono<Env>();

	const renderForm = async (values: SignupValues, errors: Record<string, string>, notice?: string) => (
		<SignupPage
			values={values}
			errors={errors}
			notice={notice}
			stamp={stampForm(deps.config.secret, deps.clock.now())}
			papers={await listRecentPapers(deps.db, 30)}
		/>
	);

	app.get("/", async (c) => c.html(await renderForm({ email: "", keywords: c.req.query("keywords") ?? "" }, {})));

	app.post("/subscribe", async (c) => {
		const fields = await readForm(c);
		const values = { email: fields.email ?? "", keywords: fields.keywords ?? "" };
		const parsed = subscribeForm.safeParse(fields);
		if (!parsed.success) return c.html(await renderForm(values, fieldErrors(parsed.error)), 422);
		try {
			await subscribe(deps, parsed.data, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") ?? null });
		} catch (error) {
			if (isAppError(error) && (error.code === "rate_limited" || error.code === "expired")) {
				return c.html(await renderForm(values, {}, error.message), error.code === "expired" ? 422 : 429);
			}
			throw error;
		}
		return c.html(
			<MessagePage title="Check your inbox">
				<p>
					If <strong>{parsed.data.email}</strong> can receive email, a message from paperboy is on its way. Open it to
					confirm your subscription, or to manage it if you are already subscribed.
				</p>
				<p class="fineprint">
					Nothing after a few minutes? Look in your spam folder, or check the address and <a href="/">try again</a>.
				</p>
			</MessagePage>,
		);
	});

	return app;
}
