import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer/index.js";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/deps.ts";
import { AppError } from "../core/errors.ts";
import type { Mailer, MailMessage } from "../core/mail/mailer.ts";

function toNodemailer(message: MailMessage): Mail.Options {
	return {
		from: message.from,
		to: message.to,
		subject: message.subject,
		text: message.text,
		html: message.html,
		messageId: message.messageId,
		date: message.date,
		headers: message.headers,
		// base64 bodies cost far less CPU to build than quoted-printable on long HTML.
		textEncoding: "base64",
	};
}

/** Maps nodemailer's failures onto the two outcomes the outbox cares about. */
export function classifySmtpError(error: unknown): AppError {
	const e = error as { responseCode?: number; response?: string; message?: string; code?: string };
	const text = e.response ?? e.message ?? String(error);
	if (typeof e.responseCode === "number" && e.responseCode >= 500) {
		return new AppError("rejected", text, {}, { cause: error });
	}
	return new AppError("unavailable", e.code ? `${e.code}: ${text}` : text, {}, { cause: error });
}

export function createSmtpMailer(config: Config["mail"]): Mailer {
	if (!config.smtpUrl) throw new AppError("config", "SMTP_URL is not set");
	const options: SMTPPool.Options = {
		...smtpOptionsFromUrl(config.smtpUrl),
		pool: true,
		maxConnections: config.poolSize,
		maxMessages: Number.POSITIVE_INFINITY,
		...(config.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: config.ratePerSecond } : {}),
		...(config.dkim ? { dkim: { ...config.dkim, cacheDir: false } } : {}),
	};
	const transport = nodemailer.createTransport(options);
	return {
		async send(message) {
			try {
				const info = await transport.sendMail(toNodemailer(message));
				return { messageId: info.messageId ?? message.messageId, response: info.response ?? "" };
			} catch (error) {
				throw classifySmtpError(error);
			}
		},
		async close() {
			transport.close();
		},
	};
}

function smtpOptionsFromUrl(url: string): SMTPPool.Options {
	const u = new URL(url);
	const secure = u.protocol === "smtps:";
	const tls = u.searchParams.get("tls");
	return {
		host: u.hostname,
		port: u.port ? Number(u.port) : secure ? 465 : 587,
		secure,
		...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
		// smtp://host:2525?tls=off for local sinks that offer no certificate.
		...(tls === "off" ? { ignoreTLS: true } : {}),
	};
}

/** The embedded default: every message becomes an .eml file under the data folder. */
export function createEmlMailer(outboxDir: string, log: Logger): Mailer {
	mkdirSync(outboxDir, { recursive: true });
	const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
	let sequence = 0;
	return {
		async send(message) {
			const info = await transport.sendMail(toNodemailer(message));
			const stamp = message.date.toISOString().replace(/[:.]/g, "-");
			const who = message.to.replace(/[^\w.@+-]/g, "_").slice(0, 80);
			const file = join(outboxDir, `${stamp}-${String(++sequence).padStart(4, "0")}-${who}.eml`);
			writeFileSync(file, info.message as Buffer);
			log.info("mail written", { to: message.to, subject: message.subject, file });
			return { messageId: message.messageId, response: `written to ${file}` };
		},
	};
}
