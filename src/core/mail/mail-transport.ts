/**
 * Which way mail leaves, for both runtimes: MAIL_TRANSPORT, or unset, SMTP_URL means
 * smtp and MAIL_API_TOKEN http. Each runtime has its own SMTP client; the HTTP API
 * (Resend's) needs only fetch, so it is built here for both.
 */
import type { Config } from "../config.ts";
import { type Clock, systemClock } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { Mailer } from "./mailer.ts";
import { createBatchingHttpMailer, createHttpMailer } from "./resend-mailer.ts";

export type MailTransport = "smtp" | "http";

/**
 * The transport the settings choose, or undefined when they choose none (Node then
 * writes .eml files). A chosen transport without its credential is a settings error,
 * found at start rather than at the first signup.
 */
export function mailTransport(mail: Config["mail"]): MailTransport | undefined {
	const transport = mail.transport ?? (mail.smtpUrl ? "smtp" : mail.apiToken ? "http" : undefined);
	if (transport === "smtp" && !mail.smtpUrl) throw new AppError("config", "MAIL_TRANSPORT=smtp needs SMTP_URL");
	if (transport === "http" && !mail.apiToken) throw new AppError("config", "MAIL_TRANSPORT=http needs MAIL_API_TOKEN");
	return transport;
}

const apiOptions = (mail: Config["mail"]) => ({ apiUrl: mail.apiUrl, token: mail.apiToken ?? "", timeoutMs: 20_000 });

/** MAIL_API_URL with MAIL_API_TOKEN, paced by SMTP_RATE_PER_SECOND. */
export function createApiMailer(mail: Config["mail"]): Mailer {
	const mailer = createHttpMailer(apiOptions(mail));
	return mail.ratePerSecond > 0 ? paced(mailer, mail.ratePerSecond) : mailer;
}

/**
 * The same API through its batch endpoint, up to 100 messages a request (a Workers queue
 * consumer sends a whole batch in one), at most `requestsPerSecond` requests a second.
 */
export function createBatchingApiMailer(mail: Config["mail"], requestsPerSecond: number): Mailer {
	return createBatchingHttpMailer({ ...apiOptions(mail), maxBatch: 100, lingerMs: 20, requestsPerSecond });
}

/** Message starts at least 1/rate apart, whoever sends them. */
export function paced(mailer: Mailer, perSecond: number, clock: Clock = systemClock): Mailer {
	const gapMs = 1000 / perSecond;
	let next = 0;
	return {
		async send(message) {
			const now = clock.now().getTime();
			const at = Math.max(now, next);
			next = at + gapMs;
			if (at > now) await clock.sleep(at - now);
			return mailer.send(message);
		},
		close: () => mailer.close?.() ?? Promise.resolve(),
	};
}
