/**
 * The admin area's reader pages: finding a reader by address, what we hold about them,
 * and what an operator may do (suppress, allow again, resend a confirmation, forget).
 * Each action is the same domain operation the CLI and the reader's own pages use.
 */
import * as z from "zod";
import { listDeliveriesForReader } from "../db/deliveries.ts";
import { findReaderByEmail, findReadersByEmailPrefix } from "../db/subscribers.ts";
import { listSuppressions } from "../db/suppressions.ts";
import { insertTokens } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { confirmationMail } from "../mail/transactional.ts";
import { forgetReader } from "../subscriptions/forget-reader.ts";
import { emailField } from "../subscriptions/form-schemas.ts";
import { confirmTokenHours, confirmTokenRow } from "../subscriptions/link-tokens.ts";
import { confirmUrl } from "../subscriptions/links.ts";
import { allowAddress, suppressAddress } from "../subscriptions/suppress.ts";

/** How many readers a search lists, and how much of a reader's digest history is shown. */
export const searchLimit = 25;
export const historyLimit = 26;

export const readerSearch = z.object({ q: z.string().trim().max(320).default("") });

/** Readers whose address starts with what was typed; the one whose address it is, in full. */
export async function searchReaders(deps: Pick<Deps, "db">, query: string) {
	if (!query) return { matches: [], file: undefined };
	const matches = await findReadersByEmailPrefix(deps.db, query, searchLimit);
	const exact = matches.find((r) => r.email.toLowerCase() === query.toLowerCase());
	return { matches, file: exact ? await readerFile(deps, exact.email) : undefined };
}

/** Everything we hold about a reader, for the operator. */
export async function readerFile(deps: Pick<Deps, "db">, email: string) {
	const reader = await findReaderByEmail(deps.db, email);
	if (!reader) throw new AppError("not_found", `No reader has the address ${email}.`);
	const [suppression] = await listSuppressions(deps.db, { email: reader.email, limit: 1 });
	const deliveries = (await listDeliveriesForReader(deps.db, reader.id)).slice(0, historyLimit);
	return { reader, suppression, deliveries };
}

export const readerActions = ["suppress", "allow", "resend-confirmation", "forget"] as const;
export type ReaderAction = (typeof readerActions)[number];
export const readerActionForm = z.object({ email: emailField, action: z.enum(readerActions) });

/** What an action did, for the notice on the page it returns to. */
export type ReaderActionOutcome = "suppressed" | "allowed" | "not_suppressed" | "confirmation_sent" | "forgotten";

/** Carries out an operator's action on the reader with this address. */
export async function actOnReader(deps: Deps, form: z.infer<typeof readerActionForm>): Promise<ReaderActionOutcome> {
	switch (form.action) {
		case "suppress":
			await suppressAddress(deps, { email: form.email, reason: "manual", detail: "by the operator" });
			return "suppressed";
		case "allow":
			return (await allowAddress(deps, form.email)) ? "allowed" : "not_suppressed";
		case "resend-confirmation":
			await resendConfirmation(deps, form.email);
			return "confirmation_sent";
		case "forget": {
			const { reader } = await readerFile(deps, form.email);
			await forgetReader(deps, reader);
			return "forgotten";
		}
	}
}

/**
 * A new confirmation link for a reader still pending, carrying the topics and consent
 * evidence on file. Never to a suppressed address; sent before the page answers.
 */
async function resendConfirmation(deps: Deps, email: string): Promise<void> {
	const { reader, suppression } = await readerFile(deps, email);
	if (reader.status !== "pending") {
		throw new AppError("invalid_input", `${reader.email} is ${reader.status}: only a pending reader can confirm.`);
	}
	if (suppression) throw new AppError("forbidden", `${reader.email} is suppressed: we do not write to it.`);
	const now = deps.clock.now();
	const token = confirmTokenRow(deps, reader, { keywords: reader.keywords, consent: reader.consent });
	await insertTokens(deps.db, [token]);
	await deps.mailer.send(
		confirmationMail(deps.config, {
			to: reader.email,
			date: now,
			messageKey: `confirm.${reader.id}.${now.getTime()}`,
			confirmUrl: confirmUrl(deps.config, token.token),
			topics: reader.keywords.length,
			frequency: reader.frequency,
			expiresHours: confirmTokenHours,
		}),
	);
	deps.log.info("confirmation resent by the operator", { readerId: reader.id });
}
