/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { isAppError } from "../../errors.ts";
import { escapeHtml } from "../../mail/template.ts";
import { recentPapers, recentPapersVersion } from "../../papers/recent.ts";
import { fieldErrors, subscribeForm } from "../../subscriptions/form-schemas.ts";
import { stampForm } from "../../subscriptions/form-signatures.ts";
import { subscribe } from "../../subscriptions/subscribe.ts";
import type { Env } from "../hono-env.ts";
import { postedFromOwnPage } from "../own-page.ts";
import { readForm } from "../read-form.ts";
import { MessagePage } from "../views/layout.tsx";
import { SignupPage, type SignupValues } from "../views/signup-page.tsx";

const crossSiteNotice =
	"This signup came from another website, so we did not accept it. If you want paperboy's digest, subscribe with this form.";

export function signupRoutes() {
	const app = new Hono<Env>();

	const stamp = (deps: Deps) => stampForm(deps.config.secret, deps.clock.now(), deps.random.token().slice(0, 22));
	const renderForm = async (
		deps: Deps,
		values: SignupValues,
		errors: Record<string, string>,
		notice?: string,
		formStamp = stamp(deps),
	) => (
		<SignupPage
			values={values}
			errors={errors}
			notice={notice}
			stamp={formStamp}
			papers={await recentPapers(deps, 30)}
		/>
	);

	// The plain signup page is the same for everyone but its form stamp: it is rendered
	// once per change to the papers and the stamp filled in per visit (the busiest page).
	const stampSlot = "paperboy-form-stamp";
	let plainPage: { version: string; html: string } | undefined;
	// The answer to every valid signup differs only in the address: rendered once too.
	const emailSlot = "paperboy-email";
	let checkInbox: string | undefined;

	app.get("/", async (c) => {
		const { deps } = c.var;
		const keywords = c.req.query("keywords");
		if (keywords) return c.html(await renderForm(deps, { email: "", keywords }, {}));
		const version = await recentPapersVersion(deps);
		if (plainPage?.version !== version) {
			const page = await renderForm(deps, { email: "", keywords: "" }, {}, undefined, stampSlot);
			plainPage = { version, html: String(await page.toString()) };
		}
		return c.html(plainPage.html.replace(stampSlot, stamp(deps)));
	});

	app.post("/subscribe", async (c) => {
		const { deps } = c.var;
		const fields = await readForm(c);
		const values = { email: fields.email ?? "", keywords: fields.keywords ?? "" };
		// Another site's page cannot sign its visitors up for anything.
		if (!postedFromOwnPage(c, new URL(deps.config.baseUrl).origin)) {
			return c.html(await renderForm(deps, values, {}, crossSiteNotice), 403);
		}
		const parsed = subscribeForm.safeParse(fields);
		if (!parsed.success) return c.html(await renderForm(deps, values, fieldErrors(parsed.error)), 422);
		try {
			await subscribe(deps, parsed.data, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") ?? null });
		} catch (error) {
			if (isAppError(error) && (error.code === "rate_limited" || error.code === "expired")) {
				return c.html(await renderForm(deps, values, {}, error.message), error.code === "expired" ? 422 : 429);
			}
			throw error;
		}
		checkInbox ??= String(await checkInboxPage(emailSlot, deps.config.limits.mailCooldownMinutes).toString());
		// Every outcome answers these same bytes, but for the address the reader typed.
		return c.html(checkInbox.replace(emailSlot, escapeHtml(parsed.data.email)));
	});

	return app;
}

/**
 * The one answer to every valid signup. It cannot say whether mail went out (that would
 * tell strangers who is subscribed), so it says what holds for everyone: a second signup
 * within the cooldown sends nothing, and the first email stays good.
 */
const checkInboxPage = (email: string, cooldownMinutes: number) => (
	<MessagePage title="Check your inbox">
		<p>
			If <strong>{email}</strong> can receive email, a message from paperboy is on its way. Open it to confirm your
			subscription, or to manage it if you are already subscribed.
		</p>
		<p>
			We send at most one such message to an address every {cooldownMinutes} minutes. If you signed up a moment ago,
			nothing new is sent now: the link in the first message still works.
		</p>
		<p class="fineprint">
			Nothing after a few minutes? Look in your spam folder, or check the address and <a href="/">sign up again</a>{" "}
			after {cooldownMinutes} minutes.
		</p>
	</MessagePage>
);
