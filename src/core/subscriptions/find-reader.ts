/** Finding a reader by what an edge has in hand: an address (the CLI) or a manage link (the web). */
import { findReaderByEmail } from "../db/subscribers.ts";
import { findTokenWithReader } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { hashToken, tokenPattern } from "./link-tokens.ts";
import type { Reader } from "./reader.ts";

/** The reader with this (normalised) address, or not_found. */
export async function readerByEmail(deps: Pick<Deps, "db">, email: string): Promise<Reader> {
	const reader = await findReaderByEmail(deps.db, email);
	if (!reader) throw new AppError("not_found", `no reader with the address ${email}`);
	return reader;
}

/** The reader behind a manage (or unsubscribe) link; undefined for a link that is not one. */
export async function findReaderByManageToken(deps: Pick<Deps, "db">, token: string): Promise<Reader | undefined> {
	if (!tokenPattern.test(token)) return undefined;
	return (await findTokenWithReader(deps.db, hashToken(token), "manage"))?.reader;
}
