/**
 * The unsubscribe link (List-Unsubscribe, every footer): it shows the unsubscribe page
 * and unsubscribes, and nothing else (docs/decisions/030-one-purpose-per-link.md).
 */
import { unsubscribeReader } from "../db/subscribers.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { findReaderByLink } from "./find-reader.ts";
import type { Reader } from "./reader.ts";

/** The reader behind an unsubscribe link, for its page; not_found otherwise. */
export async function openUnsubscribePage(deps: Deps, token: string): Promise<Pick<Reader, "email" | "status">> {
	const reader = await findReaderByLink(deps, "unsubscribe", token);
	if (!reader) throw new AppError("not_found", "This link is not valid, or the subscription was deleted.");
	return { email: reader.email, status: reader.status };
}

/**
 * RFC 8058 one-click and the unsubscribe button both land here. The link itself is the
 * credential; there is no CSRF token to check, and repeating it changes nothing.
 * Returns false when the link belongs to no subscription (e.g. the data was deleted).
 */
export async function unsubscribe(deps: Deps, token: string): Promise<boolean> {
	const reader = await findReaderByLink(deps, "unsubscribe", token);
	if (!reader) return false;
	await unsubscribeReader(deps.db, reader.id, deps.clock.now().toISOString());
	if (reader.status !== "unsubscribed") deps.log.info("unsubscribed", { readerId: reader.id });
	return true;
}
