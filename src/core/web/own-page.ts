import type { Context } from "hono";

/**
 * Whether a form post comes from one of our own pages, by what the browser says about
 * it: `Sec-Fetch-Site: same-origin`, or an `Origin` equal to BASE_URL's origin (never to
 * the Host the request names). A post with neither header comes from a browser too old or
 * too private to send them, or from no browser at all; no page elsewhere can make a
 * current browser leave both out, so it is let through (the signup form's single-use
 * stamp still applies).
 */
export function postedFromOwnPage(c: Context, ownOrigin: string): boolean {
	const site = c.req.header("sec-fetch-site");
	const origin = c.req.header("origin");
	if (site === undefined && origin === undefined) return true;
	return site === "same-origin" || origin === ownOrigin;
}
