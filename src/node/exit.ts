import { isAppError } from "../core/errors.ts";

/** Prints an error the way a person can act on it and exits non-zero. */
export function exitWithError(error: unknown): never {
	if (isAppError(error)) {
		process.stderr.write(`paperboy: ${error.message}\n`);
		process.exit(error.code === "invalid_input" || error.code === "config" ? 2 : 1);
	}
	process.stderr.write(
		`paperboy: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
}
