import type { Config } from "../../core/config.ts";
import { randomToken } from "../../core/crypto.ts";
import { AppError } from "../../core/errors.ts";
import type { Mailer } from "../../core/mail/mailer.ts";
import { createHttpMailer } from "./resend.ts";
import { createSmtpMailer, smtpOptionsFromUrl } from "./smtp.ts";

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
	if (mailTransport(mail) === "smtp" && mail.smtpUrl) {
		const boundary = () => `=_paperboy_${randomToken().slice(0, 24)}`;
		return createSmtpMailer(smtpOptionsFromUrl(mail.smtpUrl, new URL(config.baseUrl).hostname), boundary);
	}
	return createHttpMailer({ apiUrl: mail.apiUrl, token: mail.apiToken ?? "", timeoutMs: 20_000 });
}
