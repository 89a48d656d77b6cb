import type { Received } from "./smtp-sink.ts";
import type { TestRuntime } from "./runtime.ts";

export const origin = "http://paperboy.test";

export function postForm(rt: TestRuntime, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
	return rt.app.request(`${origin}${path}`, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded", origin, ...headers },
		body: new URLSearchParams(fields).toString(),
	});
}

export const get = (rt: TestRuntime, path: string, headers: Record<string, string> = {}) =>
	rt.app.request(`${origin}${path}`, { headers });

/** The hidden value of a named input in a page. */
export function inputValue(html: string, name: string): string {
	const match = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html);
	if (!match?.[1] && match?.[1] !== "") throw new Error(`no input named ${name}`);
	return match[1].replaceAll("&amp;", "&");
}

/** Renders the signup form, lets a human amount of time pass, and submits it. */
export async function signup(rt: TestRuntime, email: string, keywords: string, extra: Record<string, string> = {}) {
	const page = await (await get(rt, "/")).text();
	const stamp = inputValue(page, "stamp");
	rt.clock.advance(5_000);
	return postForm(rt, "/subscribe", { email, keywords, website: "", stamp, ...extra });
}

/** The first link in a message's text part whose path starts with `prefix`. */
export function linkIn(message: Received, prefix: string): string {
	const text = message.parsed.text ?? "";
	const match = new RegExp(`${origin.replace(/[.]/g, "\\.")}${prefix}[A-Za-z0-9_-]+`).exec(text);
	if (!match) throw new Error(`no ${prefix} link in: ${text}`);
	return match[0].slice(origin.length);
}
