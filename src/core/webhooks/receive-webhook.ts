/**
 * A provider's webhook request, from bytes to action: verify it (signature, replay), read its
 * event, and hand the report to recordBounce, the function mail to the bounce address also
 * ends in. Runtime-free: the routes on Node and Workers call these and map the answer.
 */
import type { BounceReport } from "../bounces/bounce-report.ts";
import { recordBounce } from "../bounces/record-bounce.ts";
import { dbReplayStore } from "../db/webhook-replays.ts";
import type { Deps } from "../deps.ts";
import { AppError, isAppError } from "../errors.ts";
import { verifyPostmarkWebhook } from "./postmark-auth.ts";
import { postmarkEventReport } from "./postmark-events.ts";
import type { ReplayStore } from "./replay-store.ts";
import { resendEventReport } from "./resend-events.ts";
import { type HeaderSource, verifyResendWebhook } from "./resend-signature.ts";
import { sesMessageReport } from "./ses-events.ts";
import type { SnsCertificates } from "./sns-certificates.ts";
import { verifySnsMessage } from "./sns-message.ts";
import type { WebhookRejection } from "./verdict.ts";

/** `off`: the provider's settings are unset (404); `refused`: 401, nothing changed; `accepted`: 204. */
export type WebhookAnswer = "off" | "refused" | "accepted";

type WebhookDeps = Pick<Deps, "db" | "clock" | "log" | "config">;

function refused(deps: WebhookDeps, provider: string, reason: WebhookRejection): WebhookAnswer {
	deps.log.warn("webhook refused", { provider, reason });
	return "refused";
}

/**
 * Reads and records a verified event. An event this version cannot read will not improve by
 * retrying (logged, accepted); a failure to record forgets the replay key and throws, so the
 * provider's retry of the same request is accepted.
 */
async function act(
	deps: WebhookDeps,
	provider: string,
	read: () => BounceReport,
	replay?: { store: ReplayStore; key: string },
): Promise<WebhookAnswer> {
	let report: BounceReport;
	try {
		report = read();
	} catch (error) {
		if (!isAppError(error) || error.code !== "invalid_payload") throw error;
		deps.log.warn("webhook event not understood; ignored", { provider, error: error.message });
		return "accepted";
	}
	try {
		await recordBounce(deps, report);
	} catch (error) {
		await replay?.store.forget(replay.key);
		throw error;
	}
	return "accepted";
}

/** POST /webhooks/resend: Svix signatures under RESEND_WEBHOOK_SECRET. */
export async function receiveResendWebhook(
	deps: WebhookDeps,
	headers: HeaderSource,
	body: Uint8Array,
): Promise<WebhookAnswer> {
	const secret = deps.config.webhooks.resendSecret;
	if (!secret) return "off";
	const store = dbReplayStore(deps.db);
	const verdict = await verifyResendWebhook(headers, body, { secret, now: deps.clock.now(), replays: store });
	if (!verdict.ok) return refused(deps, "resend", verdict.reason);
	return act(deps, "resend", () => resendEventReport(verdict.value), { store, key: verdict.replayKey });
}

/** POST /webhooks/postmark: basic auth with POSTMARK_WEBHOOK_USER and _PASSWORD. */
export async function receivePostmarkWebhook(
	deps: WebhookDeps,
	authorization: string | undefined,
	body: string,
): Promise<WebhookAnswer> {
	const credentials = deps.config.webhooks.postmark;
	if (!credentials) return "off";
	if (!verifyPostmarkWebhook(authorization, credentials.user, credentials.password)) {
		return refused(deps, "postmark", authorization ? "bad_signature" : "unsigned");
	}
	return act(deps, "postmark", () => postmarkEventReport(parseJson(body)));
}

export interface SnsClient {
	certificates: SnsCertificates;
	/** For the subscription confirmation's GET. */
	fetch: typeof fetch;
}

/** POST /webhooks/ses: Amazon SNS messages for the topics in SES_TOPIC_ARNS. */
export async function receiveSesWebhook(deps: WebhookDeps, sns: SnsClient, body: string): Promise<WebhookAnswer> {
	const topicArns = deps.config.webhooks.sesTopicArns;
	if (!topicArns.length) return "off";
	const store = dbReplayStore(deps.db);
	const verdict = await verifySnsMessage(body, {
		topicArns,
		certificates: sns.certificates,
		replays: store,
		now: deps.clock.now(),
	});
	if (!verdict.ok) return refused(deps, "ses", verdict.reason);
	const message = verdict.value;
	const replay = { store, key: verdict.replayKey };
	switch (message.type) {
		case "Notification":
			return act(deps, "ses", () => sesMessageReport(message.message), replay);
		case "SubscriptionConfirmation": {
			// The URL was checked to be https on sns.<region>.amazonaws.com; no redirects.
			const confirmed = await sns
				.fetch(message.subscribeUrl ?? "", { redirect: "manual", signal: AbortSignal.timeout(10_000) })
				.then((r) => r.ok)
				.catch(() => false);
			if (!confirmed) {
				await store.forget(replay.key);
				throw new AppError("unavailable", "confirming the SNS subscription failed; SNS will send it again");
			}
			deps.log.info("SNS subscription confirmed", { topicArn: message.topicArn });
			return "accepted";
		}
		case "UnsubscribeConfirmation":
			deps.log.warn("the SNS subscription of the SES webhook was removed", { topicArn: message.topicArn });
			return "accepted";
	}
}

function parseJson(body: string): unknown {
	try {
		return JSON.parse(body);
	} catch {
		throw new AppError("invalid_payload", "not JSON");
	}
}
