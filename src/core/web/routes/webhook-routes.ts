import { type Context, Hono } from "hono";
import {
	receivePostmarkWebhook,
	receiveResendWebhook,
	receiveSesWebhook,
	type WebhookAnswer,
} from "../../webhooks/receive-webhook.ts";
import { createSnsCertificates } from "../../webhooks/sns-certificates.ts";
import type { Env } from "../hono-env.ts";

/**
 * Bounce and complaint webhooks of mail providers (docs/webhooks.md). No cookies, no CSRF
 * check: the signature (or basic auth) is the credential. A refusal is 401 with no body.
 */
export function webhookRoutes(options: { fetch?: typeof fetch } = {}) {
	const app = new Hono<Env>();
	// Bound, as workerd wants fetch called; one certificate cache per process or isolate.
	const fetcher: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
	const sns = { fetch: fetcher, certificates: createSnsCertificates({ fetch: fetcher }) };

	const answer = (c: Context<Env>, result: WebhookAnswer) =>
		result === "off" ? c.notFound() : c.body(null, result === "refused" ? 401 : 204);

	app.post("/webhooks/resend", async (c) =>
		answer(c, await receiveResendWebhook(c.var.deps, c.req.raw.headers, new Uint8Array(await c.req.arrayBuffer()))),
	);
	app.post("/webhooks/postmark", async (c) =>
		answer(c, await receivePostmarkWebhook(c.var.deps, c.req.header("authorization"), await c.req.text())),
	);
	app.post("/webhooks/ses", async (c) => answer(c, await receiveSesWebhook(c.var.deps, sns, await c.req.text())));
	return app;
}
