/**
 * Pooled SMTP to SMTP_URL. Messages are built once by MimeBuilder (base64 bodies) and
 * written to pooled connections as they are (smtp-pool.ts); DKIM, when configured, is
 * nodemailer's signer over the built message. nodemailer's own transport measured ~2x
 * the job's whole CPU budget per 100 KB digest (its streaming encoder and dot-stuffing
 * Transform touch every byte in JavaScript): see bench/ and the README's Performance.
 */
import { buffer } from "node:stream/consumers";
import DKIM from "nodemailer/lib/dkim/index.js";
import type { Config } from "../core/config.ts";
import { AppError } from "../core/errors.ts";
import type { Mailer } from "../core/mail/mailer.ts";
import { classifySmtpFailure } from "../core/mail/smtp-failure.ts";
import { parseSmtpUrl } from "../core/mail/smtp-url.ts";
import { MimeBuilder } from "./mime-builder.ts";
import { SmtpPool, type SmtpPoolOptions } from "./smtp-pool.ts";

/** SMTP_URL and the pool settings as the pool (and `paperboy doctor`) take them. */
export function smtpPoolOptions(config: Config["mail"]): SmtpPoolOptions {
	if (!config.smtpUrl) throw new AppError("config", "SMTP_URL is not set");
	const endpoint = parseSmtpUrl(config.smtpUrl);
	return {
		host: endpoint.host,
		port: endpoint.port,
		secure: endpoint.security === "tls",
		ignoreTLS: endpoint.security === "off",
		...(endpoint.credentials
			? { auth: { user: endpoint.credentials.username, pass: endpoint.credentials.password } }
			: {}),
		maxConnections: config.poolSize,
		ratePerSecond: config.ratePerSecond,
		timeouts: config.timeouts,
	};
}

export function createSmtpPoolMailer(config: Config["mail"]): Mailer {
	const pool = new SmtpPool(smtpPoolOptions(config));
	const mime = new MimeBuilder();
	const dkim = config.dkim ? new DKIM({ ...config.dkim, cacheDir: false }) : undefined;
	return {
		async send(message) {
			try {
				const built = mime.build(message);
				const signed = dkim ? await buffer(dkim.sign(built.raw)) : undefined;
				const response = await pool.send(built.envelope, signed ?? built.raw, !signed && built.dotSafe);
				// Written and acknowledged: the buffer can carry the next message. (After a
				// failure it is left to the GC: a dropped connection may not be done with it.)
				mime.release(built);
				return { messageId: message.messageId, response };
			} catch (error) {
				throw classifySmtpError(error);
			}
		},
		async close() {
			pool.close();
		},
		abort() {
			pool.abort();
		},
	};
}

/**
 * The pool's failures (SmtpError, nodemailer's shape: `responseCode` only on refusals of
 * a message) as the outbox reads them.
 */
export function classifySmtpError(error: unknown): AppError {
	const e = error as { responseCode?: number; response?: string; message?: string; code?: string };
	const text = e.response ?? e.message ?? String(error);
	return classifySmtpFailure({
		text: e.code ? `${e.code}: ${text}` : text,
		replyCode: e.responseCode,
		aboutMessage: typeof e.responseCode === "number",
		unreachable: e.code === "ECONNECTION" || e.code === "ETIMEDOUT",
		cause: error,
	});
}
