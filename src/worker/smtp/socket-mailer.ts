import { AppError } from "../../core/errors.ts";
import type { Mailer, MailMessage } from "../../core/mail/mailer.ts";
import { classifySmtpFailure } from "../../core/mail/smtp-failure.ts";
import { defaultSmtpTimeouts, parseSmtpUrl } from "../../core/mail/smtp-url.ts";
import { buildMime, envelopeAddress } from "./mime-text.ts";
import { SmtpConnectionError, type SmtpOptions, SmtpReplyError, SmtpSession } from "./socket-session.ts";

/** SMTP_URL as on Node, plus our name in EHLO and the SMTP_*_TIMEOUT_SECONDS settings. */
export const smtpOptionsFromUrl = (
	url: string,
	clientName: string,
	timeouts: SmtpOptions["timeouts"] = defaultSmtpTimeouts,
): SmtpOptions => ({
	...parseSmtpUrl(url),
	clientName,
	timeouts,
});

/**
 * One SMTP connection per invocation, opened on the first message and reused for the
 * rest (Workers allow only a few open sockets, and each handshake costs round trips).
 * A connection that failed is dropped, and the next message opens a new one.
 */
export function createSocketSmtpMailer(options: SmtpOptions, newBoundary: () => string): Mailer {
	let session: Promise<SmtpSession> | undefined;
	const drop = (broken: Promise<SmtpSession>) => {
		if (session === broken) session = undefined;
		broken.then((s) => s.close()).catch(() => {});
	};
	// One SMTP transaction at a time on the connection, whoever calls.
	let turn: Promise<unknown> = Promise.resolve();
	return {
		send(message: MailMessage) {
			const sent = turn.then(() => sendNow(message));
			turn = sent.catch(() => {});
			return sent;
		},
		async close() {
			await turn;
			const current = session;
			session = undefined;
			await current?.then((s) => s.quit()).catch(() => {});
		},
	};

	async function sendNow(message: MailMessage) {
		session ??= SmtpSession.open(options);
		const current = session;
		try {
			const smtp = await current;
			const from = message.returnPath ?? envelopeAddress(message.from);
			const to = envelopeAddress(message.to);
			if (/[^\x00-\x7f]/.test(from + to) && !smtp.smtpUtf8) {
				throw new AppError("rejected", `${options.host} does not accept internationalised addresses (no SMTPUTF8)`);
			}
			const reply = await smtp.send(from, to, buildMime(message, newBoundary()));
			return { messageId: message.messageId, response: reply.text };
		} catch (error) {
			if (error instanceof SmtpReplyError && error.stage === "message") {
				// The server refused this message but the connection is fine: keep it.
				await current.then((s) => s.reset()).catch(() => drop(current));
			} else if (!(error instanceof AppError)) {
				drop(current);
			}
			throw socketSmtpFailure(error);
		}
	}
}

/** This client's failures as the outbox reads them (see classifySmtpFailure). */
function socketSmtpFailure(error: unknown): AppError {
	if (error instanceof AppError) return error;
	if (error instanceof SmtpReplyError) {
		return classifySmtpFailure({
			text: error.message,
			replyCode: error.reply.code,
			aboutMessage: error.stage === "message",
			cause: error,
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return classifySmtpFailure({
		text: `SMTP: ${message}`,
		aboutMessage: false,
		unreachable: !(error instanceof SmtpConnectionError) || error.unreachable,
		cause: error,
	});
}
