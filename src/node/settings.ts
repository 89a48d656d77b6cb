import { createPrivateKey, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Config, type Env, parseConfig } from "../core/config.ts";
import { AppError } from "../core/errors.ts";
import { ensurePrivateDir } from "./private-files.ts";

/**
 * Reads the settings the way every entry point does: `.env` (when present) under the
 * real environment, a SECRET generated once and kept in the data folder when unset, and
 * the DKIM key from DKIM_PRIVATE_KEY_FILE (a PEM file is awkward in an environment file).
 */
export function loadSettings(env: Env = process.env): Config {
	if (env === process.env && existsSync(".env")) process.loadEnvFile(".env");
	const merged: Env = { ...env };
	if (!merged.SECRET) merged.SECRET = persistentSecret(dataDir(merged.DATABASE_PATH ?? "./data/paperboy.db"));
	if (merged.DKIM_PRIVATE_KEY_FILE && !merged.DKIM_PRIVATE_KEY) {
		merged.DKIM_PRIVATE_KEY = readSetting("DKIM_PRIVATE_KEY_FILE", merged.DKIM_PRIVATE_KEY_FILE);
	}
	if (merged.DKIM_PRIVATE_KEY) checkPrivateKey(merged.DKIM_PRIVATE_KEY);
	return parseConfig(merged);
}

const settingError = (name: string, problem: string) =>
	new AppError("config", `Invalid settings:\n  ${name}: ${problem}`);

function readSetting(name: string, file: string): string {
	try {
		return readFileSync(file, "utf8");
	} catch (error) {
		throw settingError(name, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
	}
}

/** A key that cannot sign would fail every message: say so at start. */
function checkPrivateKey(pem: string): void {
	try {
		createPrivateKey(pem);
	} catch {
		throw settingError("DKIM_PRIVATE_KEY", "is not a PEM private key (`paperboy dkim generate` makes one)");
	}
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
