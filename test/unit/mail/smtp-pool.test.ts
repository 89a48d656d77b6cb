import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { MimeBuilder } from "../../../src/node/mime-builder.ts";
import { SmtpPool, type SmtpPoolOptions } from "../../../src/node/smtp-pool.ts";
import { classifySmtpError } from "../../../src/node/smtp-pool-mailer.ts";

interface Received {
	from: string;
	to: string[];
	raw: string;
	user: string | undefined;
	secure: boolean;
}

const servers: SMTPServer[] = [];
const pools: SmtpPool[] = [];
afterEach(async () => {
	for (const pool of pools.splice(0)) pool.close();
	await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A local SMTP server that keeps what it receives; `options` override the defaults. */
async function server(options: SMTPServerOptions = {}) {
	const received: Received[] = [];
	const smtp = new SMTPServer({
		authOptional: true,
		disableReverseLookup: true,
		logger: false,
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on("data", (c: Buffer) => chunks.push(c));
			stream.on("end", () => {
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks).toString("utf8"),
					user: typeof session.user === "string" ? session.user : undefined,
					secure: session.secure,
				});
				callback();
			});
		},
		...options,
	});
	servers.push(smtp);
	await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
	const port = (smtp.server.address() as { port: number }).port;
	return { smtp, port, received };
}

function pool(port: number, options: Partial<SmtpPoolOptions> = {}) {
	const p = new SmtpPool({
		host: "127.0.0.1",
		port,
		secure: false,
		ignoreTLS: true,
		maxConnections: 2,
		ratePerSecond: 0,
		// smtp-server's own certificate is self-signed.
		tls: { rejectUnauthorized: false },
		...options,
	});
	pools.push(p);
	return p;
}

const message = (to: string, body = "Hello.\r\n") =>
	Buffer.from(`From: a@example.org\r\nTo: ${to}\r\nSubject: hi\r\n\r\n${body}`, "latin1");
const envelope = (to: string) => ({ from: "a@example.org", to: [to] });

describe("SMTP pool", () => {
	it("sends, pipelined, reusing its connections", async () => {
		const s = await server();
		let connections = 0;
		s.smtp.on("connect", () => connections++);
		const p = pool(s.port);
		await Promise.all(
			Array.from({ length: 6 }, (_, i) => p.send(envelope(`r${i}@example.org`), message(`r${i}@example.org`))),
		);
		expect(s.received.map((r) => r.to[0]).sort()).toEqual(
			Array.from({ length: 6 }, (_, i) => `r${i}@example.org`).sort(),
		);
		expect(connections).toBeLessThanOrEqual(2);
	});

	it("upgrades with STARTTLS and logs in with AUTH PLAIN", async () => {
		const s = await server({
			authMethods: ["PLAIN"],
			onAuth(auth, _session, callback) {
				if (auth.username === "user" && auth.password === "pässword") callback(null, { user: auth.username });
				else callback(new Error("Invalid credentials"));
			},
		});
		await pool(s.port, { ignoreTLS: false, auth: { user: "user", pass: "pässword" } }).send(
			envelope("r@example.org"),
			message("r@example.org"),
		);
		expect(s.received[0]).toMatchObject({ user: "user", secure: true });
	});

	it("logs in with AUTH LOGIN when that is all the server offers", async () => {
		const s = await server({
			authMethods: ["LOGIN"],
			allowInsecureAuth: true,
			onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
		});
		await pool(s.port, { auth: { user: "login-user", pass: "x" } }).send(
			envelope("r@example.org"),
			message("r@example.org"),
		);
		expect(s.received[0]?.user).toBe("login-user");
	});

	it("speaks TLS from the first byte for smtps", async () => {
		const s = await server({ secure: true });
		await pool(s.port, { secure: true }).send(envelope("r@example.org"), message("r@example.org"));
		expect(s.received[0]?.secure).toBe(true);
	});

	it("works without PIPELINING, one command at a time", async () => {
		const s = await server({ hidePIPELINING: true });
		await pool(s.port).send(envelope("r@example.org"), message("r@example.org"));
		expect(s.received).toHaveLength(1);
	});

	it("reports 4xx and 5xx refusals with their code, and keeps the connection usable", async () => {
		const s = await server({
			onRcptTo(address, _session, callback) {
				const code = address.address.startsWith("later") ? 451 : address.address.startsWith("gone") ? 550 : 0;
				if (!code) return callback();
				const error = new Error(code === 451 ? "4.7.1 Try again later" : "5.1.1 No such user") as Error & {
					responseCode: number;
				};
				error.responseCode = code;
				callback(error);
			},
		});
		const p = pool(s.port, { maxConnections: 1 });
		const later = await p.send(envelope("later@example.org"), message("later@example.org")).catch((e: unknown) => e);
		expect(later).toMatchObject({ responseCode: 451 });
		expect(classifySmtpError(later).code).toBe("unavailable");
		const gone = await p.send(envelope("gone@example.org"), message("gone@example.org")).catch((e: unknown) => e);
		expect(gone).toMatchObject({ responseCode: 550 });
		expect(classifySmtpError(gone)).toMatchObject({ code: "rejected", message: expect.stringContaining("5.1.1") });
		await p.send(envelope("ok@example.org"), message("ok@example.org"));
		expect(s.received.map((r) => r.to[0])).toEqual(["ok@example.org"]);
	});

	it("treats a failed login as temporary (it says nothing about the reader)", async () => {
		const s = await server({
			authMethods: ["PLAIN"],
			allowInsecureAuth: true,
			onAuth: (_auth, _session, callback) => callback(new Error("Invalid credentials")),
		});
		const error = await pool(s.port, { auth: { user: "u", pass: "wrong" } })
			.send(envelope("r@example.org"), message("r@example.org"))
			.catch((e: unknown) => e);
		expect(classifySmtpError(error).code).toBe("unavailable");
	});

	it("opens a new connection when the server closed an idle one", async () => {
		const s = await server({ socketTimeout: 300 });
		const p = pool(s.port, { maxConnections: 1 });
		await p.send(envelope("a@example.org"), message("a@example.org"));
		await new Promise((resolve) => setTimeout(resolve, 700));
		await p.send(envelope("b@example.org"), message("b@example.org"));
		expect(s.received).toHaveLength(2);
	});

	it("fails a message as unavailable when nothing listens", async () => {
		const s = await server();
		const port = s.port;
		await new Promise<void>((resolve) => s.smtp.close(() => resolve()));
		servers.length = 0;
		const error = await pool(port)
			.send(envelope("r@example.org"), message("r@example.org"))
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ code: "ECONNECTION" });
		expect(classifySmtpError(error).code).toBe("unavailable");
	});

	it("doubles dots that start a line when the message is not vouched for", async () => {
		const s = await server();
		await pool(s.port).send(envelope("r@example.org"), message("r@example.org", ".hidden\r\n..two\r\nend\r\n"));
		expect(s.received[0]?.raw).toContain("\r\n\r\n.hidden\r\n..two\r\nend\r\n");
	});

	it("keeps to the rate limit", async () => {
		const s = await server();
		const p = pool(s.port, { ratePerSecond: 4 });
		const started = Date.now();
		await Promise.all(
			Array.from({ length: 6 }, (_, i) => p.send(envelope(`r${i}@example.org`), message(`r${i}@example.org`))),
		);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(s.received).toHaveLength(6);
	});

	it("delivers what MimeBuilder builds, parsed back as sent", async () => {
		const s = await server();
		const built = new MimeBuilder().build({
			from: "paperboy <digest@paperboy.example>",
			to: "ann@example.org",
			subject: "3 new papers on Ünïcode",
			text: "Plain ▲ text\n.with a dot line",
			html: "<p>ASCII &#9650; HTML</p>\r\n<p>second line</p>",
			messageId: "<digest.1.weekly.2026-W48@paperboy.example>",
			date: new Date("2026-11-23T09:00:00Z"),
			headers: { "List-Unsubscribe": "<https://paperboy.example/unsubscribe/x>" },
		});
		await pool(s.port).send(built.envelope, built.raw, built.dotSafe);
		const parsed = await simpleParser(s.received[0]?.raw ?? "");
		expect(parsed.subject).toBe("3 new papers on Ünïcode");
		expect(parsed.text).toBe("Plain ▲ text\n.with a dot line");
		// (mailparser reads CRLF line ends back as LF.)
		expect(parsed.html).toBe("<p>ASCII &#9650; HTML</p>\n<p>second line</p>");
		expect(s.received[0]?.raw).toContain("Content-Transfer-Encoding: 7bit");
		expect(s.received[0]?.from).toBe("digest@paperboy.example");
	});
});
