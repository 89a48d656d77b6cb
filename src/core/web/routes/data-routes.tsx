/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { isAppError } from "../../errors.ts";
import {
	type DataSession,
	deleteReaderData,
	downloadReaderData,
	openDataSession,
} from "../../subscriptions/data-page.ts";
import { deleteForm } from "../../subscriptions/form-schemas.ts";
import type { Env } from "../hono-env.ts";
import { readForm } from "../read-form.ts";
import { DataPage } from "../views/data-page.tsx";
import { MessagePage } from "../views/layout.tsx";

/** The data page behind a short-lived link mailed on request: export and delete. */
export function dataRoutes() {
	const app = new Hono<Env>();

	const page = (session: DataSession, errors: Record<string, string> = {}) => (
		<DataPage token={session.dataToken} csrf={session.csrf} email={session.reader.email} errors={errors} />
	);

	app.get("/data/:token", async (c) => c.html(page(await openDataSession(c.var.deps, c.req.param("token")))));

	app.get("/data/:token/data.json", async (c) => {
		const data = await downloadReaderData(c.var.deps, c.req.param("token"));
		c.header("Content-Disposition", 'attachment; filename="paperboy-data.json"');
		return c.json(data);
	});

	app.post("/data/:token/delete", async (c) => {
		const deps: Deps = c.var.deps;
		const token = c.req.param("token");
		// Values longer than our own form sends cannot be ours: treated as a missing token.
		const parsed = deleteForm.safeParse(await readForm(c));
		try {
			await deleteReaderData(deps, token, parsed.success ? parsed.data : { csrf: "", confirm: "" });
		} catch (error) {
			if (!isAppError(error) || error.code !== "invalid_input") throw error;
			return c.html(page(await openDataSession(deps, token), error.fields), 422);
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
