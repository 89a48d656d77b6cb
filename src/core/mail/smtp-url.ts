/** SMTP_URL, read the same way by both SMTP clients (src/node/smtp-pool.ts, src/worker/smtp/). */

export interface SmtpEndpoint {
	host: string;
	port: number;
	/** "tls": TLS from the first byte (smtps, 465); "starttls": upgrade when offered; "off": never (local sinks). */
	security: "tls" | "starttls" | "off";
	credentials?: { username: string; password: string };
}

/** How long both SMTP clients wait for each step, so a relay that stops answering fails a send instead of holding it. */
export interface SmtpTimeouts {
	/** For the TCP connection (and, for smtps, the TLS handshake). */
	connectMs: number;
	/** For the server's 220 greeting once connected. */
	greetingMs: number;
	/** For each reply after that (and, on Node, the idle time before a pooled connection is dropped). */
	commandMs: number;
}

/** The defaults of SMTP_CONNECT_TIMEOUT_SECONDS, SMTP_GREETING_TIMEOUT_SECONDS, SMTP_COMMAND_TIMEOUT_SECONDS. */
export const defaultSmtpTimeouts: SmtpTimeouts = { connectMs: 10_000, greetingMs: 30_000, commandMs: 60_000 };

/** `smtp://user:pass@host:587` (STARTTLS), `smtps://…:465`, `?tls=off` for local sinks without TLS. */
export function parseSmtpUrl(url: string): SmtpEndpoint {
	const u = new URL(url);
	const tls = u.protocol === "smtps:";
	return {
		host: u.hostname,
		port: u.port ? Number(u.port) : tls ? 465 : 587,
		security: tls ? "tls" : u.searchParams.get("tls") === "off" ? "off" : "starttls",
		...(u.username
			? { credentials: { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } }
			: {}),
	};
}
