import { applyD1Migrations, createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { createD1Kysely } from "../../../src/worker/d1.ts";
import type { WorkerEnv } from "../../../src/worker/env.ts";
import worker from "../../../src/worker/index.ts";
import type { ApiRequest, SinkMessage } from "../sink-types.ts";

/** BASE_URL in vitest.worker.config.ts: every link in every message starts with it. */
export const origin = "http://paperboy.test";

export const db = createD1Kysely(env.DB);

/** applyD1Migrations skips what is applied, so every file may call it. */
export const migrate = () => applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

/** Calls the worker's fetch as workerd would, and waits for its waitUntil work (mail). */
export async function request(path: string, init: RequestInit = {}, workerEnv: WorkerEnv = env): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await worker.fetch(new Request(`${origin}${path}`, { redirect: "manual", ...init }), workerEnv, ctx);
	await waitOnExecutionContext(ctx);
	return response;
}

export function postForm(
	path: string,
	fields: Record<string, string>,
	headers: Record<string, string> = {},
	workerEnv: WorkerEnv = env,
) {
	return request(
		path,
		{
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded", origin, ...headers },
			body: new URLSearchParams(fields).toString(),
		},
		workerEnv,
	);
}

/** The value of a named input in a page. */
export function inputValue(html: string, name: string): string {
	const match = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html);
	if (match?.[1] === undefined) throw new Error(`no input named ${name}`);
	return match[1].replaceAll("&amp;", "&");
}

/** Fills in the signup form as a browser would: GET / for the signed stamp, then POST. */
export async function signup(email: string, keywords: string, workerEnv: WorkerEnv = env): Promise<Response> {
	const page = await (await request("/", {}, workerEnv)).text();
	return postForm("/subscribe", { email, keywords, website: "", stamp: inputValue(page, "stamp") }, {}, workerEnv);
}

const control = (path: string, init?: RequestInit) => fetch(`${inject("controlUrl")}${path}`, init);

/** Waits until the SMTP sink holds `count` messages for `address`. */
export async function smtpMessagesTo(address: string, count = 1, timeoutMs = 10_000): Promise<SinkMessage[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const all = (await (await control("/smtp/messages")).json()) as SinkMessage[];
		const mine = all.filter((m) => m.envelopeTo.some((to) => to.toLowerCase() === address.toLowerCase()));
		if (mine.length >= count) return mine;
		if (Date.now() > deadline) throw new Error(`SMTP sink: ${mine.length} of ${count} messages for ${address}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Everything the mail API stand-in was asked to send to `address`. */
export async function apiRequestsTo(address: string): Promise<ApiRequest[]> {
	const all = (await (await control("/api/requests")).json()) as ApiRequest[];
	return all.filter((r) => r.body.to?.some((to) => to.toLowerCase() === address.toLowerCase()));
}

/** Makes the SMTP sink answer RCPT TO for `address` with this code from now on. */
export async function smtpAnswers(address: string, code: number, message: string): Promise<void> {
	await control("/smtp/answer", { method: "POST", body: JSON.stringify({ address, code, message }) });
}

/** Makes the mail API stand-in answer requests for `address` with this status. */
export async function apiAnswers(address: string, status: number): Promise<void> {
	await control("/api/answer", { method: "POST", body: JSON.stringify({ address, status }) });
}

/** The mail API stand-in's URL, for MAIL_API_URL. */
export const mailApiUrl = () => inject("controlUrl");

/** The first link in a text whose path starts with `prefix`, as a path. */
export function linkIn(text: string, prefix: string): string {
	const match = new RegExp(`${origin.replace(/[.]/g, "\\.")}${prefix}[A-Za-z0-9_-]+`).exec(text);
	if (!match) throw new Error(`no ${prefix} link in: ${text}`);
	return match[0].slice(origin.length);
}

export const subscriber = (email: string) =>
	db.selectFrom("subscribers").selectAll().where("email", "=", email).executeTakeFirst();
