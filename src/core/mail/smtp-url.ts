/** SMTP_URL, read the same way by both SMTP clients (src/node/smtp-pool.ts, src/worker/smtp/). */

export interface SmtpEndpoint {
	host: string;
	port: number;
	/** "tls": TLS from the first byte (smtps, 465); "starttls": upgrade when offered; "off": never (local sinks). */
	security: "tls" | "starttls" | "off";
	credentials?: { username: string; password: string };
}

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
