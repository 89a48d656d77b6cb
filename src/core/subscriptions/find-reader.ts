/** Finding a reader by what an edge has in hand: an address (the CLI) or a link (the web). */
import { findReaderByEmail } from "../db/subscribers.ts";
import { findToken } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { hashToken, type TokenPurpose, tokenPattern } from "./link-tokens.ts";
import type { Reader } from "./reader.ts";

/** The reader with this (normalised) address, or not_found. */
export async function readerByEmail(deps: Pick<Deps, "db">, email: string): Promise<Reader> {
	const reader = await findReaderByEmail(deps.db, email);
	if (!reader) throw new AppError("not_found", `no reader with the address ${email}`);
	return reader;
}

/**
 * The reader behind a link of this purpose; undefined for a link that is not one, is of
 * another purpose, or has expired. Each link opens exactly what its purpose says.
 */
export async function findReaderByLink(
	deps: Pick<Deps, "db" | "clock">,
	purpose: Exclude<TokenPurpose, "confirm">,
	token: string,
): Promise<Reader | undefined> {
	if (!tokenPattern.test(token)) return undefined;
	const found = await findToken(deps.db, hashToken(token), [purpose]);
	if (!found || (found.expiresAt && found.expiresAt <= deps.clock.now().toISOString())) return undefined;
	return found.reader;
}
