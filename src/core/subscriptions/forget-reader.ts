import { deleteReader } from "../db/subscribers.ts";
import type { Deps } from "../deps.ts";
import type { Reader } from "./reader.ts";

/**
 * Deletes a reader and, by cascade, their links, digest history, bounces, votes and the
 * mail queued for them, sent or not (an unsent message never goes out): "delete me" on the
 * manage page and `paperboy forget` both end here. Suppressions and the hashed rate-limit
 * counters are about the address, not the reader, and stay.
 */
export async function forgetReader(deps: Pick<Deps, "db" | "log">, reader: Pick<Reader, "id">): Promise<void> {
	await deleteReader(deps.db, reader.id);
	deps.log.info("reader deleted", { readerId: reader.id });
}
