/**
 * What a reader can do from their manage link: see and change their topics and
 * schedule, pause, come back after leaving, have a data link mailed, and sign out every
 * other link. The link is the credential; forms also carry a CSRF field
 * (form-signatures.ts). Leaving has a link of its own (unsubscribe.ts), and so do export
 * and delete (data-page.ts): docs/decisions/030-one-purpose-per-link.md.
 */
import { claimCooldown } from "../db/rate-limits.ts";
import { replaceReaderSalt, resubscribeReader, updateReaderPreferences } from "../db/subscribers.ts";
import { isSuppressed } from "../db/suppressions.ts";
import { deleteLinkTokens, insertTokens } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { queueMail, sendAfterResponse } from "../mail/mail-outbox.ts";
import { dataLinkMail } from "../mail/transactional.ts";
import { findReaderByLink } from "./find-reader.ts";
import type { ManageForm } from "./form-schemas.ts";
import { checkCsrfToken, csrfTokenFor } from "./form-signatures.ts";
import {
	dataTokenMinutes,
	dataTokenRow,
	derivedTokenRow,
	digestPurposes,
	ensureLinkToken,
	linkTokenFor,
} from "./link-tokens.ts";
import { dataUrl } from "./links.ts";
import type { Reader } from "./reader.ts";

export interface ManageSession {
	reader: Reader;
	manageToken: string;
	/** The reader's unsubscribe link, for the page's "Unsubscribe" (on file with the manage link). */
	unsubscribeToken: string;
	/** The reader's read-only feed link (put on file when the page opens). */
	feedToken: string;
	csrf: string;
}

/** The reader behind a manage link, or not_found. */
export async function openManageSession(deps: Deps, token: string): Promise<ManageSession> {
	const reader = await findReaderByLink(deps, "manage", token);
	if (!reader) {
		throw new AppError(
			"not_found",
			"This link does not open a subscription (any more). Your newest paperboy email has a current one, or enter your address on the signup form and we will mail you one.",
		);
	}
	return {
		reader,
		manageToken: token,
		unsubscribeToken: linkTokenFor(deps.config.secret, "unsubscribe", reader),
		feedToken: await ensureLinkToken(deps, reader, "feed"),
		csrf: csrfTokenFor(deps.config.secret, token),
	};
}

/** The session behind a link whose form carried the right CSRF field, or forbidden. */
export async function authorise(deps: Deps, token: string, csrf: string): Promise<ManageSession> {
	const session = await openManageSession(deps, token);
	if (!checkCsrfToken(deps.config.secret, token, csrf)) {
		throw new AppError("forbidden", "This form has expired. Reload the page and try again.");
	}
	return session;
}

export async function updatePreferences(deps: Deps, token: string, form: ManageForm): Promise<ManageSession> {
	const session = await authorise(deps, token, form.csrf);
	const now = deps.clock.now().toISOString();
	await updateReaderPreferences(
		deps.db,
		session.reader.id,
		{ keywords: form.keywords, frequency: form.frequency, paused: form.paused },
		now,
	);
	return openManageSession(deps, token);
}

export async function resubscribe(deps: Deps, token: string, csrf: string): Promise<ManageSession> {
	const session = await authorise(deps, token, csrf);
	await resubscribeReader(deps.db, session.reader.id, deps.clock.now().toISOString());
	return openManageSession(deps, token);
}

/** What happened to a request for the data link; the page says so. */
export type DataLinkOutcome = "sent" | "recently_sent" | "suppressed";

/**
 * Mails a short-lived link to the data page (export, delete) to the reader's address:
 * the manage link alone, which travels in every email, cannot take the data or delete
 * the reader. At most one per MAIL_COOLDOWN_MINUTES; never to a suppressed address.
 */
export async function mailDataLink(deps: Deps, token: string, csrf: string): Promise<DataLinkOutcome> {
	const { reader } = await authorise(deps, token, csrf);
	if (await isSuppressed(deps.db, reader.email)) return "suppressed";
	const now = deps.clock.now();
	const since = new Date(now.getTime() - deps.config.limits.mailCooldownMinutes * 60_000);
	if (!(await claimCooldown(deps.db, `data-link:${reader.id}`, now.toISOString(), since.toISOString()))) {
		return "recently_sent";
	}
	const row = dataTokenRow(deps, reader);
	await insertTokens(deps.db, [row]);
	const message = dataLinkMail(deps.config, {
		to: reader.email,
		date: now,
		messageKey: `data.${reader.id}.${now.getTime()}`,
		dataUrl: dataUrl(deps.config, row.token),
		minutes: dataTokenMinutes,
	});
	const expiresAt = new Date(now.getTime() + dataTokenMinutes * 60_000);
	const queued = await queueMail(deps, message, { kind: "data-link", readerId: reader.id, expiresAt });
	if (queued !== undefined) sendAfterResponse(deps, queued);
	return "sent";
}

/**
 * "Sign out other links": a new salt changes every derived link at once (manage,
 * unsubscribe, feed, feedback); the new manage and unsubscribe links go on file and
 * every other link of the reader is deleted, data links included. Returns the new manage
 * token (this page's new address). The new links are on file before the old ones go, so
 * a crash in between leaves both working and a second try finishes.
 */
export async function signOutOtherLinks(deps: Deps, token: string, csrf: string): Promise<string> {
	const { reader } = await authorise(deps, token, csrf);
	const now = deps.clock.now().toISOString();
	const renewed = { ...reader, manageSalt: deps.random.token() };
	if (!(await replaceReaderSalt(deps.db, reader.id, reader.manageSalt, renewed.manageSalt, now))) {
		throw new AppError("expired", "Your links were changed a moment ago. Open the newest link and try again.");
	}
	const links = digestPurposes.map((p) => derivedTokenRow(deps.config.secret, p, renewed, now));
	await insertTokens(deps.db, links);
	await deleteLinkTokens(
		deps.db,
		reader.id,
		links.map((l) => l.hash),
	);
	deps.log.info("links signed out", { readerId: reader.id });
	return linkTokenFor(deps.config.secret, "manage", renewed);
}
