import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";

export interface Received {
	/** MAIL FROM: the return path bounces go to. */
	envelopeFrom: string;
	envelopeTo: string[];
	raw: string;
	parsed: ParsedMail;
}

/** What the sink answers to a recipient: undefined accepts, otherwise an SMTP error. */
export type RcptResponder = (address: string, attempt: number) => { code: number; message: string } | undefined;

export interface SmtpSink {
	port: number;
	url: string;
	messages: Received[];
	respond: RcptResponder;
	/** Milliseconds to hold each message before answering 250 (a slow server). */
	delayMs: number;
	/** Resolves once `count` messages (in total) have arrived. */
	waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
	to(address: string): Received[];
	clear(): void;
	close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that keeps every message it accepts, parsed. */
export async function startSmtpSink(): Promise<SmtpSink> {
	const messages: Received[] = [];
	const attempts = new Map<string, number>();
	const waiters: (() => void)[] = [];
	const sink = { respond: (() => undefined) as RcptResponder, delayMs: 0 };
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ["AUTH", "STARTTLS"],
		disableReverseLookup: true,
		logger: false,
		onRcptTo(address: SMTPServerAddress, _session, callback) {
			const attempt = (attempts.get(address.address) ?? 0) + 1;
			attempts.set(address.address, attempt);
			const answer = sink.respond(address.address, attempt);
			if (!answer) return callback();
			const error = new Error(answer.message) as Error & { responseCode: number };
			error.responseCode = answer.code;
			return callback(error);
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on("data", (c: Buffer) => chunks.push(c));
			stream.on("end", async () => {
				const raw = Buffer.concat(chunks).toString("utf8");
				const parsed = await simpleParser(raw);
				messages.push({
					envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
					envelopeTo: session.envelope.rcptTo.map((r) => r.address),
					raw,
					parsed,
				});
				for (const wake of waiters.splice(0)) wake();
				if (sink.delayMs) setTimeout(callback, sink.delayMs);
				else callback();
			});
		},
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const port = (server.server.address() as { port: number }).port;
	return {
		port,
		url: `smtp://127.0.0.1:${port}?tls=off`,
		messages,
		get respond() {
			return sink.respond;
		},
		set respond(fn: RcptResponder) {
			sink.respond = fn;
		},
		get delayMs() {
			return sink.delayMs;
		},
		set delayMs(ms: number) {
			sink.delayMs = ms;
		},
		async waitFor(count, timeoutMs = 10_000) {
			const deadline = Date.now() + timeoutMs;
			while (messages.length < count) {
				const left = deadline - Date.now();
				if (left <= 0) throw new Error(`SMTP sink: expected ${count} messages, got ${messages.length}`);
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, Math.min(left, 200));
					waiters.push(() => {
						clearTimeout(timer);
						resolve();
					});
				});
			}
			return messages;
		},
		to: (address) => messages.filter((m) => m.envelopeTo.some((t) => t.toLowerCase() === address.toLowerCase())),
		clear() {
			messages.length = 0;
			attempts.clear();
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/**
 * A digest run's mixed answers: `later@example.org` gets a 451 (retried later),
 * `gone@example.org` a 550 5.1.1 (failed, suppressed), everyone else a 250.
 */
export const mixedAnswers: RcptResponder = (to) =>
	to === "later@example.org"
		? { code: 451, message: "4.7.1 Try again later" }
		: to === "gone@example.org"
			? { code: 550, message: "5.1.1 No such user" }
			: undefined;
