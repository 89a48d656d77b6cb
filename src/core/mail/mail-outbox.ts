/**
 * Transactional mail through a durable outbox, on both runtimes: a confirmation or a
 * link is queued in the request (sealed: it carries a live link), sent after the
 * response, and, when the relay is down, retried with the digests' backoff by the
 * once-a-minute drain (Node) or the next invocation (Workers) until its link expires.
 * Claims work as for digests (docs/decisions/006-outbox-at-least-once.md): a message
 * can go out twice only if the process dies while handing it over, with one Message-ID.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { backoffMs } from "../backoff.ts";
import { fromBase64, toBase64 } from "../crypto.ts";
import { claimQueuedMail, finishQueuedMail, insertQueuedMail, isQueuedMailClaimed } from "../db/mail-outbox.ts";
import type { Deps } from "../deps.ts";
import { isAppError } from "../errors.ts";
import type { MailMessage } from "./mailer.ts";

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** AES-GCM under a key derived from SECRET: a copy of the database alone opens no link. */
function sealingKey(secret: string): Promise<CryptoKey> {
	let key = keys.get(secret);
	if (!key) {
		const raw = sha256(encoder.encode(`paperboy mail outbox\u0000${secret}`));
		key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
		keys.set(secret, key);
	}
	return key;
}

async function seal(secret: string, message: MailMessage): Promise<string> {
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const plain = encoder.encode(JSON.stringify({ ...message, date: message.date.toISOString() }));
	const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await sealingKey(secret), plain));
	return `${toBase64(iv)}.${toBase64(sealed)}`;
}

async function unseal(secret: string, body: string): Promise<MailMessage> {
	const [iv, sealed] = body.split(".").map((part) => fromBase64(part));
	if (!iv || !sealed) throw new Error("queued mail is not sealed as expected");
	const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv }, await sealingKey(secret), sealed);
	const parsed = JSON.parse(new TextDecoder().decode(plain)) as MailMessage & { date: string };
	return { ...parsed, date: new Date(parsed.date) };
}

/**
 * Queues a message to a reader until `expiresAt`; returns its id. With `keep` false the
 * same work is done and nothing is written (a signup that will not be mailed looks like one
 * that will). Deleting the reader deletes the message, sent or not.
 */
export async function queueMail(
	deps: Pick<Deps, "db" | "config" | "clock">,
	message: MailMessage,
	m: { kind: string; readerId: number; expiresAt: Date; keep?: boolean },
): Promise<number | undefined> {
	return insertQueuedMail(
		deps.db,
		{
			kind: m.kind,
			body: await seal(deps.config.secret, message),
			messageId: message.messageId,
			now: deps.clock.now().toISOString(),
			expiresAt: m.expiresAt.toISOString(),
			readerId: m.readerId,
		},
		m.keep ?? true,
	);
}

/**
 * Sends a just-queued message once the response has gone: the claim and the send start
 * on a later turn of the event loop, so a signup's response takes the same work whether
 * or not mail follows (docs/decisions/031-signup-limits.md).
 */
export function sendAfterResponse(deps: Deps, id: number): void {
	deps.defer(new Promise((resolve) => setTimeout(resolve, 0)).then(() => sendQueuedMail(deps, { ids: [id] })));
}

export interface MailSendSummary {
	sent: number;
	failed: number;
	retrying: number;
}

/**
 * Sends queued mail that is due (or only `ids`), one message at a time, and records each
 * outcome: a 5xx or an expired link ends it, anything else is retried with backoff.
 */
export async function sendQueuedMail(
	deps: Deps,
	options: { ids?: readonly number[]; limit?: number } = {},
): Promise<MailSendSummary> {
	const summary: MailSendSummary = { sent: 0, failed: 0, retrying: 0 };
	const now = deps.clock.now();
	const leaseMs = deps.config.digest.leaseSeconds * 1000;
	if (deps.mailer.state?.().status === "paused") return summary;
	const claimed = await claimQueuedMail(deps.db, {
		now: now.toISOString(),
		staleBefore: new Date(now.getTime() - leaseMs).toISOString(),
		limit: options.limit ?? 50,
		ids: options.ids,
	});
	for (const [i, mail] of claimed.entries()) {
		const at = deps.clock.now();
		if (at.toISOString() >= mail.expiresAt) {
			await finishQueuedMail(deps.db, mail.id, { status: "failed", error: "its link expired before a relay took it" });
			summary.failed++;
			continue;
		}
		// Claimed in one batch, sent one by one: a reader deleted meanwhile took their mail along.
		if (!(await isQueuedMailClaimed(deps.db, mail.id))) continue;
		try {
			const result = await deps.mailer.send(await unseal(deps.config.secret, mail.body));
			await finishQueuedMail(deps.db, mail.id, { status: "sent", at: deps.clock.now().toISOString() });
			deps.log.info("mail sent", { kind: mail.kind, messageId: result.messageId });
			summary.sent++;
		} catch (error) {
			const text = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
			if (isAppError(error) && error.code === "rejected") {
				await finishQueuedMail(deps.db, mail.id, { status: "failed", error: text });
				deps.log.warn("mail refused by the relay", { kind: mail.kind, error: text });
				summary.failed++;
				continue;
			}
			const { retryBaseSeconds, retryMaxSeconds } = deps.config.digest;
			const delay = backoffMs(mail.attempts, retryBaseSeconds * 1000, retryMaxSeconds * 1000, deps.random.unit());
			const nextAttemptAt = new Date(deps.clock.now().getTime() + delay).toISOString();
			await finishQueuedMail(deps.db, mail.id, { status: "retry", nextAttemptAt, error: text });
			deps.log.warn("mail not sent yet; it stays queued and is retried", { kind: mail.kind, error: text });
			summary.retrying++;
			// The relay is unreachable: the rest wait for the next drain instead of timing out one by one.
			if (deps.mailer.state?.().status === "paused") {
				await releaseRest(deps, claimed.slice(i + 1));
				break;
			}
		}
	}
	return summary;
}

/** Claimed but not tried (the relay went away meanwhile): due again now, not counted as an attempt. */
async function releaseRest(deps: Deps, rest: readonly { id: number }[]) {
	for (const mail of rest) {
		await finishQueuedMail(deps.db, mail.id, {
			status: "retry",
			nextAttemptAt: deps.clock.now().toISOString(),
			error: "not tried: sending is paused",
		});
	}
}
