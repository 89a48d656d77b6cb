/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import * as z from "zod";
import {
	adminCsrfFor,
	adminCsrfValid,
	adminSessionOpen,
	signInAdmin,
	signOutAdmin,
} from "../../admin/admin-session.ts";
import { retryDeliveryNow, retryForm, troubledDeliveries } from "../../admin/delivery-troubles.ts";
import { adminOverview } from "../../admin/overview.ts";
import {
	actOnReader,
	type ReaderActionOutcome,
	readerActionForm,
	readerSearch,
	searchReaders,
} from "../../admin/reader-file.ts";
import { removeSuppressionForm, suppressionList } from "../../admin/suppression-list.ts";
import { topicsReport } from "../../admin/topics-report.ts";
import type { Config } from "../../config.ts";
import { AppError } from "../../errors.ts";
import { allowAddress } from "../../subscriptions/suppress.ts";
import type { Env } from "../hono-env.ts";
import { readForm } from "../read-form.ts";
import { DeliveriesPage } from "../views/admin/deliveries-page.tsx";
import { OverviewPage } from "../views/admin/overview-page.tsx";
import { ReadersPage } from "../views/admin/readers-page.tsx";
import { SignInPage } from "../views/admin/sign-in-page.tsx";
import { SuppressionsPage } from "../views/admin/suppressions-page.tsx";
import { TopicsPage } from "../views/admin/topics-page.tsx";

type AdminEnv = { Variables: Env["Variables"] & { csrf: string } };

/** A form or query zod refuses is the operator's mistake (422), not a crash. */
function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
	const result = schema.safeParse(input);
	if (!result.success) {
		throw new AppError("invalid_input", `Not accepted: ${result.error.issues.map((i) => i.message).join("; ")}`);
	}
	return result.data;
}

const signInForm = z.object({ token: z.string().max(1000).default("") });

const readerNotices: Record<ReaderActionOutcome, string> = {
	suppressed: "Suppressed: no mail goes to this address any more.",
	allowed: "Allowed again: this address can receive mail.",
	not_suppressed: "This address was not suppressed.",
	confirmation_sent: "A new confirmation link was sent.",
	forgotten: "The reader, their links and their digest history are deleted.",
};

/**
 * The operator's pages under /admin (docs/admin.md): a sign-in form for ADMIN_TOKEN, then
 * a session cookie. Every form posts a CSRF field bound to the session, on top of the
 * Origin check. Absent (404) when no ADMIN_TOKEN is set.
 */
export function adminPages(config: Config) {
	const app = new Hono<AdminEnv>();
	if (!config.adminToken) return app;
	const secure = config.baseUrl.startsWith("https:");
	// `__Host-` binds the cookie to this host and path /, and browsers insist on Secure for it.
	const cookieName = secure ? "__Host-paperboy-admin" : "paperboy-admin";
	const session = (c: Context) => getCookie(c, cookieName);
	// Admin forms come from our own pages only (BASE_URL's origin), as the manage forms do.
	const ownOrigin = csrf({ origin: new URL(config.baseUrl).origin });
	app.use("/admin/*", ownOrigin);

	app.get("/admin/sign-in", (c) => c.html(<SignInPage />));
	app.post("/admin/sign-in", async (c) => {
		const { token } = parsed(signInForm, await readForm(c));
		const outcome = await signInAdmin(c.var.deps, { token, clientIp: c.var.clientIp });
		if (outcome.result === "rate_limited") {
			return c.html(<SignInPage error="Too many attempts. Wait a quarter of an hour and try again." />, 429);
		}
		if (outcome.result === "wrong_token") return c.html(<SignInPage error="That is not the admin token." />, 401);
		setCookie(c, cookieName, outcome.session, {
			path: "/",
			httpOnly: true,
			secure,
			sameSite: "Strict",
			maxAge: outcome.maxAgeSeconds,
		});
		return c.redirect("/admin", 303);
	});

	// Everything else needs a session; posts also need the session's CSRF field.
	const signedIn = createMiddleware<AdminEnv>(async (c, next) => {
		const token = session(c);
		if (!token || !(await adminSessionOpen(c.var.deps, token))) {
			if (c.req.method === "GET") return c.redirect("/admin/sign-in", 303);
			throw new AppError("forbidden", "Your admin session has ended. Sign in again.");
		}
		if (c.req.method === "POST" && !adminCsrfValid(config.secret, token, (await readForm(c)).csrf)) {
			throw new AppError("forbidden", "This form was not sent from the page we rendered. Reload it and try again.");
		}
		c.set("csrf", adminCsrfFor(config.secret, token));
		await next();
	});
	app.use("/admin/*", signedIn);

	app.post("/admin/sign-out", async (c) => {
		await signOutAdmin(c.var.deps, session(c) ?? "");
		deleteCookie(c, cookieName, { path: "/", secure });
		return c.redirect("/admin/sign-in", 303);
	});

	app.get("/admin", async (c) => c.html(<OverviewPage overview={await adminOverview(c.var.deps)} csrf={c.var.csrf} />));

	app.get("/admin/readers", async (c) => {
		const { q } = parsed(readerSearch, { q: c.req.query("q") });
		const found = await searchReaders(c.var.deps, q);
		const notice = readerNotices[c.req.query("done") as ReaderActionOutcome];
		return c.html(<ReadersPage query={q} {...found} csrf={c.var.csrf} notice={notice} />);
	});
	app.post("/admin/readers", async (c) => {
		const form = parsed(readerActionForm, await readForm(c));
		const outcome = await actOnReader(c.var.deps, form);
		const q = outcome === "forgotten" ? "" : encodeURIComponent(form.email);
		return c.redirect(`/admin/readers?q=${q}&done=${outcome}`, 303);
	});

	app.get("/admin/topics", async (c) =>
		c.html(<TopicsPage report={await topicsReport(c.var.deps)} csrf={c.var.csrf} />),
	);

	app.get("/admin/deliveries", async (c) => {
		const notice = c.req.query("done") === "retried" ? "Retrying now." : undefined;
		return c.html(
			<DeliveriesPage deliveries={await troubledDeliveries(c.var.deps)} csrf={c.var.csrf} notice={notice} />,
		);
	});
	app.post("/admin/deliveries/retry", async (c) => {
		const { id } = parsed(retryForm, await readForm(c));
		await retryDeliveryNow(c.var.deps, id);
		return c.redirect("/admin/deliveries?done=retried", 303);
	});

	app.get("/admin/suppressions", async (c) => {
		const notice = c.req.query("done") === "removed" ? "Removed: that address can receive mail again." : undefined;
		return c.html(<SuppressionsPage {...(await suppressionList(c.var.deps))} csrf={c.var.csrf} notice={notice} />);
	});
	app.post("/admin/suppressions/remove", async (c) => {
		const { email } = parsed(removeSuppressionForm, await readForm(c));
		await allowAddress(c.var.deps, email);
		return c.redirect("/admin/suppressions?done=removed", 303);
	});

	return app;
}
