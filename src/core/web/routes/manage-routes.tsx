/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { previewDigestFor } from "../../digest/next-digest.ts";
import { isAppError } from "../../errors.ts";
import { deleteForm, fieldErrors, manageForm } from "../../subscriptions/form-schemas.ts";
import {
	deleteReaderData,
	downloadReaderData,
	type ManageSession,
	openManageSession,
	resubscribe,
	updatePreferences,
} from "../../subscriptions/manage-subscription.ts";
import { previewKeywords } from "../../topics/keyword-preview.ts";
import type { Env } from "../hono-env.ts";
import { readForm } from "../read-form.ts";
import { MessagePage } from "../views/layout.tsx";
import { ManagePage, type ManageValues } from "../views/manage-page.tsx";
import { DigestPreview } from "../views/next-digest-section.tsx";

const valuesOf = (session: ManageSession): ManageValues => ({
	keywords: session.reader.keywords.join(", "),
	frequency: session.reader.frequency,
	paused: session.reader.status === "paused",
});

export function manageRoutes() {
	const app = new Hono<Env>();

	const page = async (
		deps: Deps,
		session: ManageSession,
		extra: { values?: ManageValues; errors?: Record<string, string>; notice?: string } = {},
	) => (
		<ManagePage
			preview={
				<DigestPreview
					next={await previewDigestFor(deps, session.reader)}
					topics={await previewKeywords(deps, session.reader.keywords)}
				/>
			}
			token={session.manageToken}
			csrf={session.csrf}
			email={session.reader.email}
			status={session.reader.status}
			values={extra.values ?? valuesOf(session)}
			errors={extra.errors ?? {}}
			notice={extra.notice}
		/>
	);

	app.get("/manage/:token", async (c) => {
		const { deps } = c.var;
		const session = await openManageSession(deps, c.req.param("token"));
		const notice = c.req.query("confirmed")
			? "Your subscription is confirmed. Your first digest arrives with the next weekly run."
			: c.req.query("saved")
				? "Saved."
				: undefined;
		return c.html(await page(deps, session, { notice }));
	});

	app.post("/manage/:token", async (c) => {
		const { deps } = c.var;
		const token = c.req.param("token");
		const fields = await readForm(c);
		const parsed = manageForm.safeParse(fields);
		if (!parsed.success) {
			const session = await openManageSession(deps, token);
			const values = {
				keywords: fields.keywords ?? "",
				frequency: fields.frequency ?? "weekly",
				paused: fields.paused !== undefined,
			};
			const errors = fieldErrors(parsed.error);
			// Fields people cannot get wrong by hand (hidden, checkbox values) mean a stale or forged form.
			if (Object.keys(errors).some((field) => field !== "keywords" && field !== "frequency")) {
				errors.form ??= "This form was not sent as we rendered it. Reload the page and try again.";
			}
			return c.html(await page(deps, session, { values, errors }), 422);
		}
		await updatePreferences(deps, token, parsed.data);
		// Post/redirect/get: a reload does not resubmit the form.
		return c.redirect(`/manage/${token}?saved=1`, 303);
	});

	app.post("/manage/:token/resubscribe", async (c) => {
		const token = c.req.param("token");
		await resubscribe(c.var.deps, token, (await readForm(c)).csrf ?? "");
		return c.redirect(`/manage/${token}?saved=1`, 303);
	});

	app.get("/manage/:token/data.json", async (c) => {
		const data = await downloadReaderData(c.var.deps, c.req.param("token"));
		c.header("Content-Disposition", 'attachment; filename="paperboy-data.json"');
		return c.json(data);
	});

	app.post("/manage/:token/delete", async (c) => {
		const { deps } = c.var;
		const token = c.req.param("token");
		// Values longer than our own form sends cannot be ours: treated as a missing token.
		const parsed = deleteForm.safeParse(await readForm(c));
		const form = parsed.success ? parsed.data : { csrf: "", confirm: "" };
		try {
			await deleteReaderData(deps, token, form);
		} catch (error) {
			if (!isAppError(error) || error.code !== "invalid_input") throw error;
			return c.html(await page(deps, await openManageSession(deps, token), { errors: error.fields }), 422);
		}
		return c.html(
			<MessagePage title="Your data is deleted">
				<p>We deleted your subscription, your topics and your digest history. You will get no more email from us.</p>
				<p>
					<a href="/">Back to paperboy</a>
				</p>
			</MessagePage>,
		);
	});

	return app;
}
