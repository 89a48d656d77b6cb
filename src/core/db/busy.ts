/**
 * Whether a statement failed because another connection holds the database's write lock:
 * SQLite's SQLITE_BUSY (on Node after busy_timeout) or SQLITE_LOCKED, or D1's report of it.
 * Worth trying again later; any other failure is not.
 */
export function isDatabaseBusy(error: unknown): boolean {
	const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
	if (typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code)) return true;
	return typeof message === "string" && /database is (locked|busy)/i.test(message);
}
