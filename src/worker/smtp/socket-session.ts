/**
 * A minimal SMTP client over cloudflare:sockets (RFC 5321, STARTTLS, AUTH PLAIN/LOGIN).
 * Written here rather than taken from worker-mailer 1.2.1, whose reader loops forever
 * without yielding when the server closes the connection, whose failures are strings
 * without the reply code, and whose queue stops silently after a failed RSET: all three
 * matter to a queue consumer that must tell a 4xx from a 5xx and must not hang.
 */
import { connect } from "cloudflare:sockets";
import type { SmtpTimeouts } from "../../core/mail/smtp-url.ts";
import { utf8Base64 } from "./mime-text.ts";

export interface SmtpOptions {
	host: string;
	port: number;
	/** "tls": TLS from the first byte (smtps, 465); "starttls": upgrade when offered; "off": plain. */
	security: "tls" | "starttls" | "off";
	credentials?: { username: string; password: string };
	/** Our name in EHLO. */
	clientName: string;
	/** For the connection, the greeting, and each reply after it (SMTP_*_TIMEOUT_SECONDS). */
	timeouts: SmtpTimeouts;
}

export interface SmtpReply {
	code: number;
	/** The reply as the server wrote it, continuation lines joined by newlines. */
	text: string;
	/** Reply lines without their code, for EHLO keywords. */
	lines: string[];
}

/**
 * The server answered with something other than what the command needed. `stage` says
 * whether the refusal concerns this message (envelope or content) or the session
 * (greeting, TLS, login): only the former can be a permanent verdict on a delivery.
 */
export class SmtpReplyError extends Error {
	override readonly name = "SmtpReplyError";
	constructor(
		readonly stage: "session" | "message",
		readonly reply: SmtpReply,
		command: string,
	) {
		super(`${command}: ${reply.text}`);
	}
}

/** The connection failed, timed out or was closed: nothing is known about the message. */
export class SmtpConnectionError extends Error {
	override readonly name = "SmtpConnectionError";
	/** False for a session we will not set up (no TLS for the password): the relay is there. */
	constructor(
		message: string,
		readonly unreachable = true,
	) {
		super(message);
	}
}

const encoder = new TextEncoder();
type Socket = ReturnType<typeof connect>;

export class SmtpSession {
	private reader: ReadableStreamDefaultReader<Uint8Array>;
	private writer: WritableStreamDefaultWriter<Uint8Array>;
	private readonly decoder = new TextDecoder();
	private buffer = "";
	private extensions = new Set<string>();
	private authMechanisms = new Set<string>();

	private constructor(
		private socket: Socket,
		private readonly options: SmtpOptions,
	) {
		this.reader = socket.readable.getReader();
		this.writer = socket.writable.getWriter();
	}

	static async open(options: SmtpOptions): Promise<SmtpSession> {
		let socket: Socket;
		try {
			socket = connect(
				{ hostname: options.host, port: options.port },
				{
					secureTransport: options.security === "tls" ? "on" : options.security === "starttls" ? "starttls" : "off",
					allowHalfOpen: false,
				},
			);
		} catch (error) {
			throw new SmtpConnectionError(`cannot connect to ${options.host}:${options.port}: ${describe(error)}`);
		}
		// Failures surface through `opened` and reads; this only keeps them from being unhandled.
		socket.closed.catch(() => {});
		socket.opened.catch(() => {});
		const session = new SmtpSession(socket, options);
		try {
			await session.handshake();
			return session;
		} catch (error) {
			session.close();
			throw error;
		}
	}

	/** True when the server takes UTF-8 in addresses (RFC 6531). */
	get smtpUtf8(): boolean {
		return this.extensions.has("SMTPUTF8");
	}

	/** Sends one message; on a refusal the session is reset and stays usable. */
	async send(from: string, to: string, data: string): Promise<SmtpReply> {
		const utf8 = /[^\x00-\x7f]/.test(from + to) ? " SMTPUTF8" : "";
		// The sender is the same for every message: its refusal says nothing about this one.
		await this.expect(`MAIL FROM:<${from}>${utf8}`, [250], "session");
		await this.expect(`RCPT TO:<${to}>`, [250, 251], "message");
		await this.expect("DATA", [354], "message");
		// Dot-stuffing (RFC 5321 4.5.2), then the end-of-data line.
		const body = `${data.replace(/^\./, "..").replace(/\r\n\./g, "\r\n..")}${data.endsWith("\r\n") ? "" : "\r\n"}.\r\n`;
		return this.expect(body, [250], "message", "end of data");
	}

	/** Forgets a failed transaction so the next message starts clean. */
	async reset(): Promise<void> {
		await this.expect("RSET", [250], "session");
	}

	/** Says goodbye politely, but never waits long for it. */
	async quit(): Promise<void> {
		try {
			await this.write("QUIT\r\n");
			await this.readReply();
		} catch {
			// The server may hang up first; either way we are done.
		}
		this.close();
	}

	close(): void {
		this.socket.close().catch(() => {});
	}

	private async handshake(): Promise<void> {
		await withTimeout(this.socket.opened, this.options.timeouts.connectMs, "connecting");
		const greeting = await this.readReply(this.options.timeouts.greetingMs);
		if (greeting.code !== 220) throw new SmtpReplyError("session", greeting, "greeting");
		await this.ehlo();
		if (this.options.security === "starttls") {
			if (this.extensions.has("STARTTLS")) {
				await this.expect("STARTTLS", [220], "session");
				this.reader.releaseLock();
				this.writer.releaseLock();
				this.socket = this.socket.startTls();
				this.reader = this.socket.readable.getReader();
				this.writer = this.socket.writable.getWriter();
				this.buffer = "";
				await this.ehlo();
			} else if (this.options.credentials) {
				throw new SmtpConnectionError(
					`${this.options.host} offers no STARTTLS: not sending the password in clear (add ?tls=off to SMTP_URL to allow it)`,
					false,
				);
			}
		}
		if (this.options.credentials) await this.login(this.options.credentials);
	}

	private async ehlo(): Promise<void> {
		const reply = await this.expect(`EHLO ${this.options.clientName}`, [250], "session");
		this.extensions = new Set();
		this.authMechanisms = new Set();
		for (const line of reply.lines.slice(1)) {
			const [keyword = "", ...params] = line
				.trim()
				.toUpperCase()
				.split(/[\s=]+/);
			this.extensions.add(keyword);
			if (keyword === "AUTH") for (const p of params) this.authMechanisms.add(p);
		}
	}

	private async login({ username, password }: { username: string; password: string }): Promise<void> {
		if (this.authMechanisms.has("PLAIN")) {
			await this.expect(`AUTH PLAIN ${utf8Base64(`\0${username}\0${password}`)}`, [235], "session", "AUTH PLAIN");
		} else if (this.authMechanisms.has("LOGIN")) {
			await this.expect("AUTH LOGIN", [334], "session");
			await this.expect(utf8Base64(username), [334], "session", "AUTH LOGIN user");
			await this.expect(utf8Base64(password), [235], "session", "AUTH LOGIN password");
		} else {
			throw new SmtpConnectionError(
				`${this.options.host} offers no AUTH PLAIN or LOGIN (offered: ${[...this.authMechanisms].join(" ") || "none"})`,
				false,
			);
		}
	}

	/** Writes a command and reads the reply; `label` keeps secrets and bodies out of errors. */
	private async expect(
		command: string,
		codes: number[],
		stage: SmtpReplyError["stage"],
		label = command,
	): Promise<SmtpReply> {
		await this.write(command.endsWith("\r\n") ? command : `${command}\r\n`);
		const reply = await this.readReply();
		if (!codes.includes(reply.code)) throw new SmtpReplyError(stage, reply, label);
		return reply;
	}

	private async write(text: string): Promise<void> {
		try {
			await withTimeout(this.writer.write(encoder.encode(text)), this.options.timeouts.commandMs, "writing");
		} catch (error) {
			if (error instanceof SmtpConnectionError) throw error;
			throw new SmtpConnectionError(`writing to ${this.options.host}: ${describe(error)}`);
		}
	}

	private async readReply(timeoutMs = this.options.timeouts.commandMs): Promise<SmtpReply> {
		const lines: string[] = [];
		for (;;) {
			const end = this.buffer.indexOf("\n");
			if (end < 0) {
				await this.fill(timeoutMs);
				continue;
			}
			const line = this.buffer.slice(0, end).replace(/\r$/, "");
			this.buffer = this.buffer.slice(end + 1);
			lines.push(line);
			const match = /^(\d{3})([ -]|$)/.exec(line);
			if (!match) throw new SmtpConnectionError(`unexpected reply from ${this.options.host}: ${line.slice(0, 200)}`);
			if (match[2] !== "-") {
				return { code: Number(match[1]), text: lines.join("\n"), lines: lines.map((l) => l.slice(4)) };
			}
		}
	}

	private async fill(timeoutMs: number): Promise<void> {
		let chunk: ReadableStreamReadResult<Uint8Array>;
		try {
			chunk = await withTimeout(this.reader.read(), timeoutMs, "waiting for a reply");
		} catch (error) {
			if (error instanceof SmtpConnectionError) throw error;
			throw new SmtpConnectionError(`reading from ${this.options.host}: ${describe(error)}`);
		}
		if (chunk.done) throw new SmtpConnectionError(`${this.options.host} closed the connection`);
		this.buffer += this.decoder.decode(chunk.value, { stream: true });
	}
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new SmtpConnectionError(`timed out after ${ms} ms ${what}`)), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		if (timer !== undefined) clearTimeout(timer);
	}
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
