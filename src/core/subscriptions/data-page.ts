/**
 * The data page: export and delete, behind a short-lived link mailed to the reader's
 * address on request (manage-subscription.ts, mailDataLink). The page's delete form
 * carries a CSRF field bound to that link.
 */
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { readerData } from "./export-readers.ts";
import { findReaderByLink } from "./find-reader.ts";
import { forgetReader } from "./forget-reader.ts";
import type { DeleteForm } from "./form-schemas.ts";
import { checkCsrfToken, csrfTokenFor } from "./form-signatures.ts";
import type { Reader } from "./reader.ts";

export interface DataSession {
	reader: Reader;
	dataToken: string;
	csrf: string;
}

/** The reader behind a data link that has not expired, or not_found. */
export async function openDataSession(deps: Deps, token: string): Promise<DataSession> {
	const reader = await findReaderByLink(deps, "data", token);
	if (!reader) {
		throw new AppError(
			"not_found",
			"This link has expired or is not valid. Ask for a new one on your subscription page: it works for an hour.",
		);
	}
	return { reader, dataToken: token, csrf: csrfTokenFor(deps.config.secret, token) };
}

/** "Download my data": everything we hold about the reader behind the link. */
export async function downloadReaderData(deps: Deps, token: string) {
	return readerData(deps, (await openDataSession(deps, token)).reader);
}

/** "Delete me": the reader and, by cascade, their links and digest history. */
export async function deleteReaderData(deps: Deps, token: string, form: DeleteForm): Promise<void> {
	const { reader } = await openDataSession(deps, token);
	if (!checkCsrfToken(deps.config.secret, token, form.csrf)) {
		throw new AppError("forbidden", "This form has expired. Reload the page and try again.");
	}
	if (form.confirm !== "yes") {
		throw new AppError("invalid_input", "Not deleted.", {
			confirm: "Tick the box to confirm that everything should be deleted.",
		});
	}
	await forgetReader(deps, reader);
}
