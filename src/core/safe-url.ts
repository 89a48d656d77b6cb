/**
 * The one rule for links, whoever shows them (pages, mail, stored papers): only absolute
 * http(s) URLs become links; javascript:, data: and junk never do.
 */

/** The URL, normalised, when it is an absolute http(s) URL; otherwise null. */
export function safeUrl(raw: unknown): string | null {
	if (typeof raw !== "string" || !raw.trim()) return null;
	try {
		const url = new URL(raw.trim());
		return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
	} catch {
		return null;
	}
}
