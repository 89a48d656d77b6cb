/**
 * A request path as the log may show it: a path segment that could be a link's token
 * (16 or more base64url characters, with or without an extension such as the feed's
 * `.xml`) becomes `:token`. Links are credentials; a log line about a failed request must
 * not hand one to whoever reads the log.
 */
export const redactedPath = (path: string): string =>
	path
		.split("/")
		.map((segment) => segment.replace(/^[A-Za-z0-9_-]{16,}(?=$|\.[A-Za-z0-9]{1,8}$)/, ":token").slice(0, 64))
		.join("/");
