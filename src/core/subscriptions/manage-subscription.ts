/**
 * What a reader can do from their manage link: see and change their topics and
 * schedule, pause, leave (one-click or the button), come back, download or delete their
 * data. The link is the credential; forms also carry a CSRF field (form-signatures.ts).
 */
import { resubscribeReader, unsubscribeReader, updateReaderPreferences } from "../db/subscribers.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { readerData } from "./export-readers.ts";
import { findReaderByManageToken } from "./find-reader.ts";
import { forgetReader } from "./forget-reader.ts";
import type { DeleteForm, ManageForm } from "./form-schemas.ts";
import { checkCsrfToken, csrfTokenFor } from "./form-signatures.ts";
import type { Reader } from "./reader.ts";

export interface ManageSession {
	reader: Reader;
	manageToken: string;
	csrf: string;
}

/** The reader behind a manage link, or not_found. */
export async function openManageSession(deps: Deps, token: string): Promise<ManageSession> {
	const reader = await findReaderByManageToken(deps, token);
	if (!reader) throw new AppError("not_found", "This link is not valid, or the subscription was deleted.");
	return { reader, manageToken: token, csrf: csrfTokenFor(deps.config.secret, token) };
}

async function authorise(deps: Deps, token: string, csrf: string): Promise<ManageSession> {
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

/**
 * RFC 8058 one-click and the unsubscribe button both land here. The link itself is the
 * credential; there is no CSRF token to check, and repeating it changes nothing.
 * Returns false when the link belongs to no subscription (e.g. the data was deleted).
 */
export async function unsubscribe(deps: Deps, token: string): Promise<boolean> {
	const reader = await findReaderByManageToken(deps, token);
	if (!reader) return false;
	await unsubscribeReader(deps.db, reader.id, deps.clock.now().toISOString());
	if (reader.status !== "unsubscribed") deps.log.info("unsubscribed", { readerId: reader.id });
	return true;
}

export async function resubscribe(deps: Deps, token: string, csrf: string): Promise<ManageSession> {
	const session = await authorise(deps, token, csrf);
	await resubscribeReader(deps.db, session.reader.id, deps.clock.now().toISOString());
	return openManageSession(deps, token);
}

/** "Download my data": everything we hold about the reader behind the link. */
export async function downloadReaderData(deps: Deps, token: string) {
	return readerData(deps, (await openManageSession(deps, token)).reader);
}

/** "Delete me": the reader and, by cascade, their tokens and digest history. */
export async function deleteReaderData(deps: Deps, token: string, form: DeleteForm): Promise<void> {
	const session = await authorise(deps, token, form.csrf);
	if (form.confirm !== "yes") {
		throw new AppError("invalid_input", "Not deleted.", {
			confirm: "Tick the box to confirm that everything should be deleted.",
		});
	}
	await forgetReader(deps, session.reader);
}
