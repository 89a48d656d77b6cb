/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Deps } from "../../deps.ts";
import { previewDigestFor } from "../../digest/next-digest.ts";
import { archivedDigest, periodHistory } from "../../digest/period-history.ts";
import { isAppError } from "../../errors.ts";
import { addLikedPapers, clearProfile, maxUploadBytes, removeFromProfile } from "../../recommend/manage-profile.ts";
import { votedPapers } from "../../recommend/votes.ts";
import { fieldErrors, manageForm, profileAddForm, profileRemoveForm } from "../../subscriptions/form-schemas.ts";
import {
	type DataLinkOutcome,
	type ManageSession,
	mailDataLink,
	openManageSession,
	resubscribe,
	signOutOtherLinks,
	updatePreferences,
} from "../../subscriptions/manage-subscription.ts";
import { previewKeywords } from "../../topics/keyword-preview.ts";
import type { Env } from "../hono-env.ts";
import { readForm, readUpload } from "../read-form.ts";
import { ManagePage, type ManageValues, type ProfileValues } from "../views/manage-page.tsx";
import { DigestPreview } from "../views/next-digest-section.tsx";
import { ArchivedDigestPage, PeriodHistory } from "../views/period-history.tsx";

const valuesOf = (session: ManageSession): ManageValues => ({
	keywords: session.reader.keywords.join(", "),
	frequency: session.reader.frequency,
	paused: session.reader.status === "paused",
});

/** Notices a redirect back to the page asks for (`?confirmed=1`, `?saved=1`, `?notice=`); ADDRESS is the reader's. */
const notices = new Map(
	Object.entries({
		confirmed: "Your subscription is confirmed. Your first digest arrives with the next weekly run.",
		saved: "Saved.",
		"data-link-sent": "We emailed ADDRESS a link to download or delete your data. It works for one hour.",
		"data-link-recent":
			"We emailed ADDRESS a link a few minutes ago: please use that one (look in your spam folder too).",
		"data-link-suppressed": "We cannot email ADDRESS: mail to it bounced or was reported, so we no longer write to it.",
		"profile-removed": "Removed from the papers you liked.",
		"profile-cleared": "Your liked papers are cleared: no more recommendations until you like papers again.",
		"signed-out":
			"Every other link is signed out: links in emails you already have no longer work, and this page has a new address. Your next digest carries the new links.",
	}),
);

const dataLinkNotices: Record<DataLinkOutcome, string> = {
	sent: "data-link-sent",
	recently_sent: "data-link-recent",
	suppressed: "data-link-suppressed",
};

/**
 * The form that adds liked papers takes a file (a BibTeX export, a list of arXiv ids), so
 * its body may be larger than other forms' (app.tsx leaves it to this route's own limit):
 * the file's limit plus room for the pasted text. A file over its limit but within this one
 * gets the page back with what was typed; beyond this, the body is not read at all.
 */
export const paperUploadPath = /^\/manage\/[^/]+\/profile\/add$/;
const maxUploadBody = maxUploadBytes * 2;

export function manageRoutes() {
	const app = new Hono<Env>();

	const page = async (
		deps: Deps,
		session: ManageSession,
		extra: {
			values?: ManageValues;
			errors?: Record<string, string>;
			notice?: string;
			profile?: Partial<ProfileValues>;
		} = {},
	) => (
		<ManagePage
			preview={
				<DigestPreview
					status={session.reader.status}
					next={await previewDigestFor(deps, session.reader)}
					topics={await previewKeywords(deps, session.reader.keywords)}
				/>
			}
			history={
				<PeriodHistory
					entries={await periodHistory(deps, session.reader)}
					base={`/manage/${session.manageToken}`}
					weekly={session.reader.frequency === "weekly"}
				/>
			}
			token={session.manageToken}
			unsubscribeToken={session.unsubscribeToken}
			feedToken={session.feedToken}
			csrf={session.csrf}
			email={session.reader.email}
			status={session.reader.status}
			values={extra.values ?? valuesOf(session)}
			errors={extra.errors ?? {}}
			notice={extra.notice}
			profile={{ papers: await votedPapers(deps, session.reader.id), text: "", ...extra.profile }}
		/>
	);

	app.get("/manage/:token", async (c) => {
		const { deps } = c.var;
		const session = await openManageSession(deps, c.req.param("token"));
		const asked = c.req.query("confirmed") ? "confirmed" : c.req.query("saved") ? "saved" : c.req.query("notice");
		const notice = asked === undefined ? undefined : notices.get(asked);
		return c.html(await page(deps, session, { notice: notice?.replace("ADDRESS", session.reader.email) }));
	});

	// The reader's web archive: the papers a sent digest carried.
	app.get("/manage/:token/digests/:period", async (c) => {
		const token = c.req.param("token");
		const session = await openManageSession(c.var.deps, token);
		const digest = await archivedDigest(c.var.deps, session.reader, c.req.param("period"));
		return c.html(<ArchivedDigestPage {...digest} back={`/manage/${token}`} />);
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

	// The data link goes to the address, not to whoever holds this page's link.
	app.post("/manage/:token/data-link", async (c) => {
		const token = c.req.param("token");
		const outcome = await mailDataLink(c.var.deps, token, (await readForm(c)).csrf ?? "");
		return c.redirect(`/manage/${token}?notice=${dataLinkNotices[outcome]}`, 303);
	});

	// The papers "Close to papers you liked" learns from: pasted, or in an uploaded file.
	const tooLarge = `The upload is larger than ${maxUploadBody / 1024} KB: choose a smaller file (at most ${maxUploadBytes / 1024} KB).`;
	app.post(
		"/manage/:token/profile/add",
		bodyLimit({
			maxSize: maxUploadBody,
			onError: async (c) => {
				const session = await openManageSession(c.var.deps, c.req.param("token") ?? "");
				return c.html(await page(c.var.deps, session, { profile: { text: "", fileError: tooLarge } }), 413);
			},
		}),
		async (c) => {
			const { deps } = c.var;
			const token = c.req.param("token");
			const fields = await readForm(c);
			const file = await readUpload(c, "file");
			const parsed = profileAddForm.safeParse(fields);
			const text = fields.papers ?? "";
			try {
				if (!parsed.success) {
					const session = await openManageSession(deps, token);
					const error = fieldErrors(parsed.error).papers ?? "This form was not sent as we rendered it.";
					return c.html(await page(deps, session, { profile: { text, error } }), 422);
				}
				const { added, unknown } = await addLikedPapers(deps, token, parsed.data.csrf, {
					text: parsed.data.papers,
					...(file ? { file } : {}),
				});
				const notice = [
					added.length ? `Added ${added.length} paper${added.length === 1 ? "" : "s"}.` : "",
					unknown.length ? `Not in paperboy (it knows the papers it has collected): ${unknown.join(", ")}.` : "",
				].join(" ");
				const session = await openManageSession(deps, token);
				return c.html(await page(deps, session, { profile: { notice: notice.trim() } }), added.length ? 200 : 422);
			} catch (error) {
				if (!isAppError(error) || error.code !== "invalid_input") throw error;
				const session = await openManageSession(deps, token);
				const profile = { text, error: error.fields.papers, fileError: error.fields.file };
				return c.html(await page(deps, session, { profile }), 422);
			}
		},
	);

	app.post("/manage/:token/profile/remove", async (c) => {
		const token = c.req.param("token");
		// Values longer than our own form sends cannot be ours: treated as a missing CSRF field.
		const parsed = profileRemoveForm.safeParse(await readForm(c));
		const form = parsed.success ? parsed.data : { csrf: "", paper: "" };
		await removeFromProfile(c.var.deps, token, form.csrf, form.paper);
		return c.redirect(`/manage/${token}?notice=profile-removed#profile`, 303);
	});

	app.post("/manage/:token/profile/clear", async (c) => {
		const token = c.req.param("token");
		await clearProfile(c.var.deps, token, (await readForm(c)).csrf ?? "");
		return c.redirect(`/manage/${token}?notice=profile-cleared#profile`, 303);
	});

	// Lands on the page's new address: the old one is signed out with every other link.
	app.post("/manage/:token/sign-out", async (c) => {
		const renewed = await signOutOtherLinks(c.var.deps, c.req.param("token"), (await readForm(c)).csrf ?? "");
		return c.redirect(`/manage/${renewed}?notice=signed-out`, 303);
	});

	return app;
}
