import type { Config } from "../../core/config.ts";
import { randomToken } from "../../core/crypto.ts";
import { type Clock, systemClock } from "../../core/deps.ts";
import { AppError } from "../../core/errors.ts";
import type { Mailer } from "../../core/mail/mailer.ts";
import { createHttpMailer } from "../../core/mail/resend-mailer.ts";
import { createSmtpMailer, smtpOptionsFromUrl } from "../smtp/socket-mailer.ts";

export type MailTransport = "smtp" | "http";

/**
 * MAIL_TRANSPORT picks the adapter; unset, SMTP_URL means smtp and MAIL_API_TOKEN http.
 * Checked once per isolate (with the settings), so a missing credential fails every
 * request loudly instead of each signup mail quietly.
 */
export function mailTransport(mail: Config["mail"]): MailTransport {
	const transport = mail.transport ?? (mail.smtpUrl ? "smtp" : mail.apiToken ? "http" : undefined);
	if (transport === "smtp" && !mail.smtpUrl) throw new AppError("config", "MAIL_TRANSPORT=smtp needs SMTP_URL");
	if (transport === "http" && !mail.apiToken) throw new AppError("config", "MAIL_TRANSPORT=http needs MAIL_API_TOKEN");
	if (!transport) {
		throw new AppError(
			"config",
			"No mail transport: set MAIL_TRANSPORT=http and the secret MAIL_API_TOKEN, or MAIL_TRANSPORT=smtp and the secret SMTP_URL",
		);
	}
	return transport;
}

/** A fresh mailer for one invocation: SMTP connections cannot outlive the request that opened them. */
export function createWorkerMailer(config: Config): Mailer {
	const { mail } = config;
	let mailer: Mailer;
	if (mailTransport(mail) === "smtp" && mail.smtpUrl) {
		const boundary = () => `=_paperboy_${randomToken().slice(0, 24)}`;
		mailer = createSmtpMailer(smtpOptionsFromUrl(mail.smtpUrl, new URL(config.baseUrl).hostname), boundary);
	} else {
		mailer = createHttpMailer({ apiUrl: mail.apiUrl, token: mail.apiToken ?? "", timeoutMs: 20_000 });
	}
	return mail.ratePerSecond > 0 ? paced(mailer, mail.ratePerSecond) : mailer;
}

/**
 * SMTP_RATE_PER_SECOND for either transport: message starts at least 1/rate apart. The
 * queue runs one consumer at a time (max_concurrency = 1), so this is the overall rate.
 */
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
