import { createApp } from "../../src/core/web/app.tsx";
import type { TestRuntime } from "./runtime.ts";
import type { Received } from "./smtp-sink.ts";

export const origin = "http://paperboy.test";

/**
 * Posts a form as our own pages do, with the Origin of the runtime's BASE_URL; a header
 * given as "" is left out (e.g. `origin: ""`).
 */
export function postForm(
	rt: TestRuntime,
	path: string,
	fields: Record<string, string>,
	headers: Record<string, string> = {},
) {
	const own = new URL(rt.deps.config.baseUrl).origin;
	const sent = { "content-type": "application/x-www-form-urlencoded", origin: own, ...headers };
	return rt.app.request(`${origin}${path}`, {
		method: "POST",
		headers: Object.fromEntries(Object.entries(sent).filter(([, value]) => value !== "")),
		body: new URLSearchParams(fields).toString(),
	});
}

/** A raw POST: any body and headers, nothing added (no Origin, no content type). */
export const postRaw = (rt: TestRuntime, path: string, body: BodyInit, headers: Record<string, string> = {}) =>
	rt.app.request(`${origin}${path}`, { method: "POST", headers, body });

export const get = (rt: TestRuntime, path: string, headers: Record<string, string> = {}) =>
	rt.app.request(`${origin}${path}`, { headers });

/** The same runtime as seen by a client at another address (for per-IP limits). */
export const asClient = (rt: TestRuntime, ip: string): TestRuntime => ({
	...rt,
	app: createApp(rt.deps.config, { deps: () => rt.deps, clientIp: () => ip }),
});

/** The hidden value of a named input in a page. */
export function inputValue(html: string, name: string): string {
	const match = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html);
	if (!match?.[1] && match?.[1] !== "") throw new Error(`no input named ${name}`);
	return match[1].replaceAll("&amp;", "&");
}

/** The text of a page's textarea (escaped as served). */
export function textareaText(html: string, name: string): string {
	const match = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([^<]*)</textarea>`).exec(html);
	if (match?.[1] === undefined) throw new Error(`no textarea named ${name}`);
	return match[1];
}

/** The message shown under a form field, if any. */
export function fieldError(html: string, name: string): string | undefined {
	return new RegExp(`id="${name}-error">([^<]*)<`).exec(html)?.[1];
}

/** Renders the signup form, lets a human amount of time pass, and submits it. */
export async function signup(
	rt: TestRuntime,
	email: string,
	keywords: string,
	extra: Record<string, string> = {},
	headers: Record<string, string> = {},
) {
	const page = await (await get(rt, "/")).text();
	const stamp = inputValue(page, "stamp");
	rt.clock.advance(5_000);
	return postForm(rt, "/subscribe", { email, keywords, website: "", stamp, ...extra }, headers);
}

/** What a mailbox provider sends for RFC 8058 one-click: no cookie, no Origin, no token. */
export const oneClickUnsubscribe = (rt: TestRuntime, token: string) =>
	postRaw(rt, `/unsubscribe/${token}`, "List-Unsubscribe=One-Click", {
		"content-type": "application/x-www-form-urlencoded",
	});

/** The first link in a message's text part whose path starts with `prefix`. */
export function linkIn(message: Received, prefix: string, base = origin): string {
	const text = message.parsed.text ?? "";
	const match = new RegExp(`${base.replace(/[.]/g, "\\.")}${prefix}[A-Za-z0-9_-]+`).exec(text);
	if (!match) throw new Error(`no ${prefix} link in: ${text}`);
	return match[0].slice(base.length);
}
