/**
 * Which way mail leaves, for both runtimes: MAIL_TRANSPORT, or unset, SMTP_URL means
 * smtp and MAIL_API_TOKEN http. Each runtime has its own SMTP client; the HTTP API
 * (Resend's) needs only fetch, so it is built here for both.
 */
import type { Config } from "../config.ts";
import { type Clock, systemClock } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { Mailer } from "./mailer.ts";
import { createHttpMailer } from "./resend-mailer.ts";

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

/** MAIL_API_URL with MAIL_API_TOKEN, paced by SMTP_RATE_PER_SECOND. */
export function createApiMailer(mail: Config["mail"]): Mailer {
	const mailer = createHttpMailer({ apiUrl: mail.apiUrl, token: mail.apiToken ?? "", timeoutMs: 20_000 });
	return mail.ratePerSecond > 0 ? paced(mailer, mail.ratePerSecond) : mailer;
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
