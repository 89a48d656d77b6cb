/**
 * The unsubscribe link (List-Unsubscribe, every footer): it shows the unsubscribe page
 * and unsubscribes, and nothing else (docs/decisions/030-one-purpose-per-link.md).
 */
import { backoffMs } from "../backoff.ts";
import { isDatabaseBusy } from "../db/busy.ts";
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

/** Done; taken and being retried (the database was busy); or a link that belongs to nobody. */
export type UnsubscribeOutcome = "unsubscribed" | "queued" | "unknown";

/** Tries of a one-click the busy database refused: with backoff up to a minute, about 15 minutes in all. */
const busyRetries = 20;

/**
 * RFC 8058 one-click and the unsubscribe button both land here. The link itself is the
 * credential; there is no CSRF token to check, and repeating it changes nothing. When
 * another process holds the database's write lock, the request is still taken: it is
 * retried after the response until it lands, with the time of the click.
 */
export async function unsubscribe(deps: Deps, token: string): Promise<UnsubscribeOutcome> {
	const reader = await findReaderByLink(deps, "unsubscribe", token);
	if (!reader) return "unknown";
	const at = deps.clock.now().toISOString();
	try {
		await unsubscribeReader(deps.db, reader.id, at);
	} catch (error) {
		if (!isDatabaseBusy(error)) throw error;
		deps.log.warn("the database is busy: the unsubscribe is kept and retried", { readerId: reader.id });
		deps.defer(retryUnsubscribe(deps, reader.id, at));
		return "queued";
	}
	if (reader.status !== "unsubscribed") deps.log.info("unsubscribed", { readerId: reader.id });
	return "unsubscribed";
}

async function retryUnsubscribe(deps: Deps, readerId: number, at: string): Promise<void> {
	for (let attempt = 1; attempt <= busyRetries; attempt++) {
		await deps.clock.sleep(backoffMs(attempt, 1000, 60_000, deps.random.unit()));
		try {
			await unsubscribeReader(deps.db, readerId, at);
			deps.log.info("unsubscribed", { readerId, attempt });
			return;
		} catch (error) {
			if (!isDatabaseBusy(error)) throw error;
		}
	}
	deps.log.error("a one-click unsubscribe could not be recorded: the database stayed busy", { readerId, at });
}
