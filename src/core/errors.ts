/**
 * The one error type of paperboy. Domain code throws it with a code from a closed set;
 * only the edges (web onError, CLI) translate codes into HTTP statuses or exit codes.
 */
export const errorCodes = [
	"invalid_input", // the caller sent something we cannot accept; fields say what
	"invalid_payload", // a feed or file we read is malformed
	"not_found",
	"expired",
	"already_used",
	"rate_limited",
	"forbidden",
	"rejected", // a mail server refused a message for good (5xx)
	"config", // settings are wrong; the process should not start
	"unavailable", // a dependency (SMTP, an upstream API) failed
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** Per-field messages for invalid_input, keyed by form field name. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
	override readonly name = "AppError";
	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly fields: FieldErrors = {},
		options?: { cause?: unknown },
	) {
		super(message, options);
	}
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
