/**
 * Pooled SMTP for prebuilt messages (see mime-builder.ts). nodemailer's pool pushes every
 * message byte through a JavaScript dot-stuffing Transform; our messages are 7-bit with
 * base64 bodies, so no line can start with a dot and the bytes go to the socket as they
 * are. Per connection: EHLO, STARTTLS when offered (unless ignoreTLS), AUTH PLAIN or
 * LOGIN (only over TLS, or with ignoreTLS), then MAIL/RCPT/DATA pipelined when the server
 * offers PIPELINING. Failures carry the reply code (`responseCode`) like nodemailer's, so
 * callers classify them the same.
 */
import { connect as connectTcp, isIP, type Socket } from "node:net";
import { hostname } from "node:os";
import { type ConnectionOptions, connect as connectTls, type TLSSocket } from "node:tls";
import { defaultSmtpTimeouts, type SmtpTimeouts } from "../core/mail/smtp-url.ts";

export interface SmtpPoolOptions {
	host: string;
	port: number;
	/** TLS from the first byte (smtps, usually 465). */
	secure: boolean;
	/** Never upgrade with STARTTLS (local sinks without a certificate). */
	ignoreTLS: boolean;
	auth?: { user: string; pass: string };
	maxConnections: number;
	/** Messages per second across the pool; 0 is no limit. */
	ratePerSecond: number;
	/** How long to wait for each step; a relay that stops answering fails the send, never hangs it. */
	timeouts?: SmtpTimeouts;
	/** Extra TLS settings (tests: a self-signed server). Certificates are verified by default. */
	tls?: ConnectionOptions;
}

/** A failure in the SMTP dialogue: `responseCode` is the server's reply code when it gave one. */
export class SmtpError extends Error {
	override readonly name = "SmtpError";
	constructor(
		message: string,
		readonly code: "EPROTOCOL" | "ECONNECTION" | "ETIMEDOUT" | "EENVELOPE" | "EMESSAGE" | "EAUTH" | "ETLS" | "ESTOPPED",
		readonly responseCode?: number,
		readonly response?: string,
	) {
		super(message);
	}
}

interface Reply {
	code: number;
	text: string;
	lines: string[];
}

/** The name we give in EHLO: the machine's FQDN, else a literal, as nodemailer does. */
function clientName(): string {
	let name = "";
	try {
		name = hostname();
	} catch {
		name = "";
	}
	if (!name.includes(".")) return "[127.0.0.1]";
	return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) ? `[${name}]` : name;
}

const nonAscii = /[^\x00-\x7f]/;

/** SNI names a host, never an address (RFC 6066). */
const serverName = (host: string) => (isIP(host) ? {} : { servername: host });

/** One SMTP connection. Replies are matched to commands in order (RFC 2920 pipelining). */
class Connection {
	#socket: Socket | TLSSocket;
	#buffer = "";
	#lines: string[] = [];
	#waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void }[] = [];
	#failure: SmtpError | undefined;
	extensions = new Set<string>();
	auth = new Set<string>();

	/** What a timeout interrupts: connecting, waiting for the greeting, or a command's reply. */
	#phase: "connect" | "greeting" | "command" = "connect";

	constructor(
		socket: Socket | TLSSocket,
		private readonly timeouts: SmtpTimeouts,
		secure: boolean,
	) {
		this.#socket = socket;
		this.#listen(socket);
		socket.setTimeout(timeouts.connectMs);
		socket.once(secure ? "secureConnect" : "connect", () => this.#enter("greeting"));
	}

	/** The socket's idle timeout follows the step the session is at. */
	#enter(phase: "greeting" | "command") {
		this.#phase = phase;
		this.#socket.setTimeout(phase === "greeting" ? this.timeouts.greetingMs : this.timeouts.commandMs);
	}

	/** The greeting came: from now on each reply gets the command timeout. */
	greeted() {
		this.#enter("command");
	}

	/** TLS from the first byte or since STARTTLS. */
	get encrypted(): boolean {
		return (this.#socket as TLSSocket).encrypted === true;
	}

	get alive(): boolean {
		return !this.#failure && !this.#socket.destroyed;
	}

	#listen(socket: Socket | TLSSocket) {
		// Each write is a whole command batch or message: Nagle would hold the small
		// trailing ones until the peer's delayed ACK (tens of ms on every message).
		socket.setNoDelay(true);
		socket.setEncoding("latin1");
		if (this.#phase === "command") socket.setTimeout(this.timeouts.commandMs);
		socket.on("data", (data: string) => this.#read(data));
		socket.on("timeout", () => this.#fail(this.#timedOut()));
		socket.on("error", (error) => this.#fail(new SmtpError(`SMTP connection failed: ${error.message}`, "ECONNECTION")));
		socket.on("close", () => this.#fail(new SmtpError("SMTP connection closed", "ECONNECTION")));
	}

	#timedOut(): SmtpError {
		const waited = (ms: number) => `${Math.round(ms / 100) / 10} s`;
		const what =
			this.#phase === "connect"
				? `could not connect within ${waited(this.timeouts.connectMs)}`
				: this.#phase === "greeting"
					? `no greeting within ${waited(this.timeouts.greetingMs)}`
					: `no reply within ${waited(this.timeouts.commandMs)}`;
		return new SmtpError(`SMTP server timed out: ${what}`, "ETIMEDOUT");
	}

	#read(data: string) {
		this.#buffer += data;
		for (let end = this.#buffer.indexOf("\n"); end >= 0; end = this.#buffer.indexOf("\n")) {
			const line = this.#buffer.slice(0, end).replace(/\r$/, "");
			this.#buffer = this.#buffer.slice(end + 1);
			this.#lines.push(line);
			// "250-…" continues a reply; "250 …" (or a bare code) ends it.
			if (line.length > 3 && line[3] === "-") continue;
			const lines = this.#lines;
			this.#lines = [];
			const code = Number(line.slice(0, 3));
			const waiter = this.#waiting.shift();
			if (!waiter || !Number.isInteger(code)) {
				this.#fail(new SmtpError(`unexpected SMTP reply: ${line}`, "EPROTOCOL"));
				return;
			}
			waiter.resolve({ code, text: lines.join("\n"), lines: lines.map((l) => l.slice(4)) });
		}
	}

	#fail(error: SmtpError) {
		if (!this.#failure) this.#failure = error;
		for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
		if (!this.#socket.destroyed) this.#socket.destroy();
	}

	/** The next reply. */
	reply(): Promise<Reply> {
		if (this.#failure) return Promise.reject(this.#failure);
		return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
	}

	write(...chunks: (string | Buffer)[]) {
		if (this.#failure) throw this.#failure;
		// Corked, the chunks leave together (one writev) rather than as separate segments.
		this.#socket.cork();
		for (const chunk of chunks) this.#socket.write(chunk);
		this.#socket.uncork();
	}

	/** Sends a command and waits for its reply. */
	async command(line: string): Promise<Reply> {
		const reply = this.reply();
		this.write(`${line}\r\n`);
		return reply;
	}

	async upgrade(host: string, tls: ConnectionOptions | undefined): Promise<void> {
		const plain = this.#socket;
		plain.removeAllListeners("data");
		plain.removeAllListeners("timeout");
		plain.removeAllListeners("error");
		plain.removeAllListeners("close");
		// The TLS socket reports the plain socket's errors; keep it from throwing on its own.
		plain.on("error", () => undefined);
		const secure = connectTls({ ...tls, socket: plain, ...serverName(host) });
		this.#socket = secure;
		try {
			await new Promise<void>((resolve, reject) => {
				secure.setTimeout(this.timeouts.commandMs);
				secure.once("secureConnect", resolve);
				secure.once("error", (error) => reject(new SmtpError(`STARTTLS failed: ${error.message}`, "ETLS")));
				secure.once("timeout", () => reject(this.#timedOut()));
				secure.once("close", () => reject(new SmtpError("SMTP connection closed during STARTTLS", "ECONNECTION")));
			});
		} catch (error) {
			secure.destroy();
			plain.destroy();
			throw error;
		}
		this.#listen(secure);
	}

	destroy(reason = new SmtpError("SMTP connection dropped", "ECONNECTION")) {
		this.#fail(reason);
	}

	close() {
		if (!this.alive) return;
		// Nobody waits for the answer to QUIT; the server closes and so do we.
		this.#socket.end("QUIT\r\n");
		this.#failure = new SmtpError("SMTP connection closed", "ECONNECTION");
	}
}

/**
 * Checks a reply. Only refusals of a message (envelope, content) carry `responseCode`:
 * a session that cannot be set up (greeting, TLS, login) says nothing about the reader,
 * so it must read as temporary, not as a 5xx verdict on their address.
 */
const expectReply = (reply: Reply, codes: readonly number[], command: string, code: SmtpError["code"]) => {
	if (codes.includes(reply.code)) return;
	const text = `${command} failed: ${reply.text}`;
	if (code === "EMESSAGE" || code === "EENVELOPE") throw new SmtpError(text, code, reply.code, reply.text);
	throw new SmtpError(text, code);
};

/** Opens and greets a connection; `opened` sees it from the start (so it can be dropped while greeting). */
async function open(options: SmtpPoolOptions, name: string, opened?: (c: Connection) => void): Promise<Connection> {
	const socket = options.secure
		? connectTls({ ...options.tls, host: options.host, port: options.port, ...serverName(options.host) })
		: connectTcp({ host: options.host, port: options.port });
	const connection = new Connection(socket, options.timeouts ?? defaultSmtpTimeouts, options.secure);
	opened?.(connection);
	try {
		await greet(connection, options, name);
		return connection;
	} catch (error) {
		connection.destroy();
		throw error;
	}
}

async function greet(connection: Connection, options: SmtpPoolOptions, name: string): Promise<void> {
	expectReply(await connection.reply(), [220], "greeting", "EPROTOCOL");
	connection.greeted();
	const hello = async () => {
		let reply = await connection.command(`EHLO ${name}`);
		if (reply.code >= 500) reply = await connection.command(`HELO ${name}`);
		expectReply(reply, [250], "EHLO", "EPROTOCOL");
		connection.extensions = new Set(reply.lines.slice(1).map((l) => l.split(" ")[0]?.toUpperCase() ?? ""));
		const auth = reply.lines.find((l) => /^AUTH[ =]/i.test(l));
		connection.auth = new Set((auth?.slice(5) ?? "").toUpperCase().split(/\s+/));
	};
	await hello();
	if (!options.secure && !options.ignoreTLS && connection.extensions.has("STARTTLS")) {
		expectReply(await connection.command("STARTTLS"), [220], "STARTTLS", "ETLS");
		await connection.upgrade(options.host, options.tls);
		await hello();
	}
	if (options.auth) {
		const { user, pass } = options.auth;
		// A password goes only over TLS, unless SMTP_URL says ?tls=off (a relay on this machine).
		if (!connection.encrypted && !options.ignoreTLS) {
			throw new SmtpError(
				`${options.host} offers no STARTTLS: not sending the password in clear (add ?tls=off to SMTP_URL to allow it)`,
				"EAUTH",
			);
		}
		if (!connection.auth.has("PLAIN") && !connection.auth.has("LOGIN")) {
			const offered = [...connection.auth].filter(Boolean).join(" ") || "none";
			throw new SmtpError(`${options.host} offers no AUTH PLAIN or LOGIN (offered: ${offered})`, "EAUTH");
		}
		if (connection.auth.has("PLAIN")) {
			const token = Buffer.from(`\u0000${user}\u0000${pass}`, "utf8").toString("base64");
			expectReply(await connection.command(`AUTH PLAIN ${token}`), [235], "AUTH PLAIN", "EAUTH");
		} else {
			expectReply(await connection.command("AUTH LOGIN"), [334], "AUTH LOGIN", "EAUTH");
			expectReply(await connection.command(Buffer.from(user).toString("base64")), [334], "AUTH LOGIN", "EAUTH");
			expectReply(await connection.command(Buffer.from(pass).toString("base64")), [235], "AUTH LOGIN", "EAUTH");
		}
	}
}

/** One message over one connection. Leaves the connection ready for the next one, or dead. */
async function transmit(
	connection: Connection,
	envelope: { from: string; to: readonly string[] },
	data: Buffer,
	dotSafe: boolean,
): Promise<string> {
	const utf8 = nonAscii.test(envelope.from) || envelope.to.some((to) => nonAscii.test(to));
	if (utf8 && !connection.extensions.has("SMTPUTF8")) {
		throw new SmtpError("the server does not accept internationalised addresses (SMTPUTF8)", "EENVELOPE", 553);
	}
	const commands = [
		`MAIL FROM:<${envelope.from}>${utf8 ? " SMTPUTF8" : ""}`,
		...envelope.to.map((to) => `RCPT TO:<${to}>`),
	];
	let replies: Reply[];
	if (connection.extensions.has("PIPELINING")) {
		const pending = [...commands, "DATA"].map(() => connection.reply());
		connection.write(`${[...commands, "DATA"].join("\r\n")}\r\n`);
		// Every reply must be read (they arrive in order) even when an early one refuses.
		replies = await Promise.all(pending);
	} else {
		replies = [];
		for (const command of [...commands, "DATA"]) {
			const reply = await connection.command(command);
			replies.push(reply);
			if (reply.code >= 400) break;
		}
	}
	const refused = replies.findIndex((reply, i) => {
		if (i === commands.length) return reply.code !== 354;
		return i === 0 ? reply.code !== 250 : reply.code !== 250 && reply.code !== 251;
	});
	if (refused >= 0) {
		const reply = replies[refused] as Reply;
		if (replies[commands.length]?.code === 354) {
			// DATA was accepted after a refusal: drop the connection rather than send anything.
			connection.destroy();
		} else {
			await connection.command("RSET").catch(() => undefined);
		}
		const command = (refused === commands.length ? "DATA" : (commands[refused] ?? "")).split(":")[0];
		throw new SmtpError(`${command} failed: ${reply.text}`, "EENVELOPE", reply.code, reply.text);
	}
	// A line that starts with "." has it doubled (RFC 5321 4.5.2), unless the caller
	// vouches that none does (MimeBuilder checks while building: no second scan of 100 KB).
	const body = !dotSafe && (data[0] === 0x2e || data.includes("\n.")) ? dotStuff(data) : data;
	const done = connection.reply();
	connection.write(body, body[body.length - 1] === 0x0a ? ".\r\n" : "\r\n.\r\n");
	const reply = await done;
	expectReply(reply, [250], "message", "EMESSAGE");
	return reply.text;
}

function dotStuff(data: Buffer): Buffer {
	const text = data.toString("latin1");
	return Buffer.from((text.startsWith(".") ? "." : "") + text.replace(/\n\./g, "\n.."), "latin1");
}

/**
 * Opens one session as sending does (greeting, EHLO, STARTTLS, login when `auth` is
 * given) and quits before MAIL FROM: `paperboy doctor`'s check, which sends nothing.
 */
export async function checkSmtpSession(options: SmtpPoolOptions): Promise<{ encrypted: boolean }> {
	const connection = await open(options, clientName());
	const encrypted = connection.encrypted;
	connection.close();
	return { encrypted };
}

/**
 * Up to maxConnections connections, opened on demand and reused; a message waits for a
 * free one. A connection that fails is dropped and the next message opens a new one.
 */
export class SmtpPool {
	readonly #idle: Connection[] = [];
	readonly #queue: ((connection: Connection | undefined) => void)[] = [];
	readonly #sent: number[] = [];
	readonly #name = clientName();
	/** Every live connection, idle or busy, so that abort() can drop them all. */
	readonly #connections = new Set<Connection>();
	#open = 0;
	#closed = false;

	constructor(private readonly options: SmtpPoolOptions) {}

	async #acquire(): Promise<Connection> {
		for (;;) {
			if (this.#closed) throw new SmtpError("the SMTP pool is closed", "ECONNECTION");
			const idle = this.#idle.pop();
			if (idle?.alive) return idle;
			if (idle) {
				this.#open--;
				continue;
			}
			if (this.#open < this.options.maxConnections) {
				this.#open++;
				let opening: Connection | undefined;
				try {
					return await open(this.options, this.#name, (connection) => {
						opening = connection;
						this.#connections.add(connection);
					});
				} catch (error) {
					if (opening) this.#connections.delete(opening);
					this.#open--;
					// Room to open a connection again: a message waiting for one must not wait forever.
					this.#queue.shift()?.(undefined);
					throw error;
				}
			}
			// Wait for a connection to come back (or for room to open one).
			const handed = await new Promise<Connection | undefined>((resolve) => this.#queue.push(resolve));
			if (handed?.alive) return handed;
			if (handed) this.#open--;
		}
	}

	#release(connection: Connection) {
		if (!connection.alive || this.#closed) this.#connections.delete(connection);
		if (this.#closed) {
			this.#open--;
			connection.close();
			return;
		}
		const next = this.#queue.shift();
		if (!connection.alive) {
			this.#open--;
			connection.close();
			next?.(undefined);
			return;
		}
		if (next) next(connection);
		else this.#idle.push(connection);
	}

	/** At most ratePerSecond messages in any second. */
	async #throttle() {
		const limit = this.options.ratePerSecond;
		if (limit <= 0) return;
		for (;;) {
			const now = Date.now();
			while (this.#sent.length && (this.#sent[0] as number) <= now - 1000) this.#sent.shift();
			if (this.#sent.length < limit) {
				this.#sent.push(now);
				return;
			}
			await new Promise((resolve) => setTimeout(resolve, (this.#sent[0] as number) + 1000 - now));
		}
	}

	/**
	 * Sends one message (CRLF line ends); resolves with the server's final reply.
	 * `dotSafe`: no line of `data` starts with "." (skips the dot-stuffing scan).
	 */
	async send(envelope: { from: string; to: readonly string[] }, data: Buffer, dotSafe = false): Promise<string> {
		await this.#throttle();
		const connection = await this.#acquire();
		try {
			return await transmit(connection, envelope, data, dotSafe);
		} finally {
			this.#release(connection);
		}
	}

	close() {
		this.#closed = true;
		for (const connection of this.#idle.splice(0)) {
			this.#connections.delete(connection);
			connection.close();
		}
		for (const waiter of this.#queue.splice(0)) waiter(undefined);
	}

	/** Closes the pool and drops every connection now: messages in flight fail (temporarily). */
	abort() {
		this.close();
		const stopped = new SmtpError("sending stopped: the process is shutting down", "ESTOPPED");
		for (const connection of this.#connections) connection.destroy(stopped);
		this.#connections.clear();
	}
}
