import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Config, type Env, parseConfig } from "../core/config.ts";
import { ensurePrivateDir } from "./private-files.ts";

/**
 * Reads the settings the way every entry point does: `.env` (when present) under the
 * real environment, and a SECRET generated once and kept in the data folder when unset.
 */
export function loadSettings(env: Env = process.env): Config {
	if (env === process.env && existsSync(".env")) process.loadEnvFile(".env");
	const merged: Env = { ...env };
	if (!merged.SECRET) merged.SECRET = persistentSecret(dataDir(merged.DATABASE_PATH ?? "./data/paperboy.db"));
	return parseConfig(merged);
}

export const dataDir = (databasePath: string): string =>
	databasePath === ":memory:" ? join(process.cwd(), "data") : dirname(databasePath);

function persistentSecret(dir: string): string {
	const file = join(dir, "secret");
	if (existsSync(file)) return readFileSync(file, "utf8").trim();
	ensurePrivateDir(dir);
	const secret = randomBytes(32).toString("hex");
	// wx: if another process created it first, use theirs.
	try {
		writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
		return secret;
	} catch {
		return readFileSync(file, "utf8").trim();
	}
}
