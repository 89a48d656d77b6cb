import { mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import DKIM from "nodemailer/lib/dkim/index.js";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/deps.ts";
import { AppError } from "../core/errors.ts";
import type { Mailer } from "../core/mail/mailer.ts";
import { MimeBuilder } from "./mime-builder.ts";
import { SmtpPool } from "./smtp-pool.ts";

/** Maps SMTP failures (ours or nodemailer's shape) onto the two outcomes the outbox cares about. */
export function classifySmtpError(error: unknown): AppError {
	const e = error as { responseCode?: number; response?: string; message?: string; code?: string };
	const text = e.response ?? e.message ?? String(error);
	if (typeof e.responseCode === "number" && e.responseCode >= 500) {
		return new AppError("rejected", text, {}, { cause: error });
	}
	return new AppError("unavailable", e.code ? `${e.code}: ${text}` : text, {}, { cause: error });
}

/**
 * Pooled SMTP to SMTP_URL. Messages are built once by MimeBuilder (base64 bodies) and
 * written to pooled connections as they are (smtp-pool.ts); DKIM, when configured, is
 * nodemailer's signer over the built message. nodemailer's own transport measured ~2x
 * the job's whole CPU budget per 100 KB digest (its streaming encoder and dot-stuffing
 * Transform touch every byte in JavaScript): see bench/ and the README's Performance.
 */
export function createSmtpMailer(config: Config["mail"]): Mailer {
	if (!config.smtpUrl) throw new AppError("config", "SMTP_URL is not set");
	const pool = new SmtpPool({
		...smtpOptionsFromUrl(config.smtpUrl),
		maxConnections: config.poolSize,
		ratePerSecond: config.ratePerSecond,
	});
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
	};
}

function smtpOptionsFromUrl(url: string) {
	const u = new URL(url);
	const secure = u.protocol === "smtps:";
	return {
		host: u.hostname,
		port: u.port ? Number(u.port) : secure ? 465 : 587,
		secure,
		...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
		// smtp://host:2525?tls=off for local sinks that offer no certificate.
		ignoreTLS: u.searchParams.get("tls") === "off",
	};
}

/**
 * The embedded default: every message becomes an .eml file under the data folder, built
 * as SMTP would send it, and written off the main thread (signups write one each).
 */
export function createEmlMailer(outboxDir: string, log: Logger): Mailer {
	mkdirSync(outboxDir, { recursive: true });
	const mime = new MimeBuilder();
	let sequence = 0;
	return {
		async send(message) {
			const built = mime.build(message);
			const stamp = message.date.toISOString().replace(/[:.]/g, "-");
			const who = message.to.replace(/[^\w.@+-]/g, "_").slice(0, 80);
			const file = join(outboxDir, `${stamp}-${String(++sequence).padStart(4, "0")}-${who}.eml`);
			await writeFile(file, built.raw);
			mime.release(built);
			log.info("mail written", { to: message.to, subject: message.subject, file });
			return { messageId: message.messageId, response: `written to ${file}` };
		},
	};
}
