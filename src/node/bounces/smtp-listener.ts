import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import type { BounceReport } from "../../core/bounces/bounce-report.ts";
import { isBounceRecipient, parseBounceAddress } from "../../core/bounces/verp.ts";
import type { Logger } from "../../core/deps.ts";
import { isAppError } from "../../core/errors.ts";
import { defaultMaxBounceBytes, parseBounceReport } from "./parse-report.ts";

/**
 * An inbound SMTP server for the bounce address (BOUNCE_SMTP_PORT): the operator points the
 * bounce domain's MX (or a transport of their own MTA) at it, and every notice that arrives is
 * parsed and handed to `onReport`.
 *
 * - Accepts RCPT TO only for the bounce address and its `+tag` forms (domain compared
 *   case-insensitively); anything else gets 550 5.1.1. The bare address is accepted too:
 *   feedback loops (Yahoo CFL, Microsoft JMRP) send to the one address they were registered with.
 * - Advertises SIZE `maxBytes` (default 1 MiB), refuses a larger declared SIZE at MAIL FROM and
 *   a larger message after DATA with 552, and never holds more than `maxBytes` of one message.
 * - No AUTH; STARTTLS only when `tls` is given; no reverse DNS lookups.
 * - 250 once `onReport` resolved; 451 when it threw, so the sending MTA retries later.
 */

export interface BounceEnvelope {
	/** MAIL FROM; empty for a bounce (null reverse path). */
	from: string;
	to: string[];
}

export interface BounceListenerOptions {
	/** BOUNCE_ADDRESS, e.g. `bounces@paperboy.example`. */
	bounceAddress: string;
	/** BOUNCE_SMTP_PORT; 0 picks a free port (tests). */
	port: number;
	/** Interface to listen on; default 127.0.0.1 (an MTA in front relays to it). Use 0.0.0.0 to be the MX. */
	host?: string;
	maxBytes?: number;
	/** Key and certificate (PEM) to offer STARTTLS with; without them STARTTLS is not offered. */
	tls?: { key: string | Buffer; cert: string | Buffer };
	maxClients?: number;
	/** Called once per accepted message. Throw to have the sender retry (451). */
	onReport(report: BounceReport, raw: Buffer, envelope: BounceEnvelope): Promise<void>;
	logger?: Logger;
}

export interface BounceListener {
	port: number;
	close(): Promise<void>;
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

export async function startBounceListener(options: BounceListenerOptions): Promise<BounceListener> {
	const bounce = parseBounceAddress(options.bounceAddress);
	const maxBytes = options.maxBytes ?? defaultMaxBounceBytes;
	const log = options.logger;
	const serverOptions: SMTPServerOptions = {
		authOptional: true,
		disabledCommands: options.tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
		hideSTARTTLS: !options.tls,
		...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
		disableReverseLookup: true,
		logger: false,
		size: maxBytes,
		maxClients: options.maxClients ?? 20,
		socketTimeout: 60_000,
		onRcptTo(address, _session, callback) {
			if (isBounceRecipient(address.address, bounce)) return callback();
			return callback(smtpError(550, "5.1.1 No such recipient here"));
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			let kept = 0;
			stream.on("data", (chunk: Buffer) => {
				// The hard cap: whatever a client claims, no more than maxBytes is held.
				if (kept + chunk.length <= maxBytes) chunks.push(chunk);
				kept += chunk.length;
			});
			stream.on("end", () => {
				if (stream.sizeExceeded || kept > maxBytes) {
					callback(smtpError(552, `5.3.4 Message too big: the limit is ${maxBytes} bytes`));
					return;
				}
				const raw = Buffer.concat(chunks);
				const envelope = {
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
					to: session.envelope.rcptTo.map((r) => r.address),
				};
				deliver(raw, envelope).then(
					() => callback(null, "2.0.0 Report received"),
					(error: unknown) => callback(error as Error),
				);
			});
		},
	};

	async function deliver(raw: Buffer, envelope: BounceEnvelope) {
		let report: BounceReport;
		try {
			report = await parseBounceReport(raw, { bounceAddress: bounce, envelopeRecipients: envelope.to, maxBytes });
		} catch (error) {
			log?.warn("bounce listener: unreadable message refused", { error });
			throw smtpError(isAppError(error) ? 552 : 554, "5.6.0 Message could not be read");
		}
		try {
			await options.onReport(report, raw, envelope);
		} catch (error) {
			log?.error("bounce listener: handling a report failed; the sender will retry", { error, kind: report.kind });
			throw smtpError(451, "4.3.0 Temporary failure, please try again later");
		}
	}

	const server = new SMTPServer(serverOptions);
	server.on("error", (error) => log?.warn("bounce listener: connection error", { error }));
	await new Promise<void>((resolve, reject) => {
		server.server.once("error", reject);
		server.listen(options.port, options.host ?? "127.0.0.1", () => {
			server.server.off("error", reject);
			resolve();
		});
	});
	const port = (server.server.address() as { port: number }).port;
	return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
