/**
 * Runs in Node before the workerd tests: a real SMTP sink, a stand-in for the HTTP mail
 * API (Resend's POST /emails), and a small control API through which tests inside
 * workerd (which cannot reach Node objects) read what arrived and choose answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SMTPServer } from "smtp-server";
import type { TestProject } from "vitest/node";
import { createMailApi, readBody, sendJson as send } from "../helpers/mail-api.ts";
import { type SmtpSink, startSmtpSink } from "../helpers/smtp-sink.ts";
import { webhookSamples } from "../helpers/webhook-samples.ts";
import type { SinkMessage } from "./sink-types.ts";

export default async function setup(project: TestProject) {
	const sink = await startSmtpSink();
	/** Per recipient: the SMTP reply to RCPT TO, or the HTTP status the API answers. */
	const smtpAnswers = new Map<string, { code: number; message: string }>();
	const api = createMailApi();
	const webhooks = webhookSamples();
	sink.respond = (address) => smtpAnswers.get(address.toLowerCase());

	const server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
	});
	async function handle(req: IncomingMessage, res: ServerResponse) {
		const url = new URL(req.url ?? "/", "http://control");
		const body = req.method === "POST" ? await readBody(req) : "";
		if (api.handle(req, body, res)) return;
		if (req.method === "GET" && url.pathname === webhooks.certificatePath) {
			res.writeHead(200, { "content-type": "application/x-x509-ca-cert" }).end(webhooks.certificatePem);
			return;
		}
		if (req.method === "GET" && url.pathname === "/smtp/messages") return send(res, 200, sinkMessages(sink));
		if (req.method === "GET" && url.pathname === "/api/requests") return send(res, 200, api.requests);
		if (req.method === "GET" && url.pathname === "/smtp-auth/logins") return send(res, 200, auth.logins);
		if (req.method === "POST" && url.pathname === "/smtp/answer") {
			const { address, code, message } = JSON.parse(body) as { address: string; code: number; message: string };
			smtpAnswers.set(address.toLowerCase(), { code, message });
			return send(res, 204);
		}
		if (req.method === "POST" && url.pathname === "/api/answer") {
			const { address, status } = JSON.parse(body) as { address: string; status: number };
			api.answers.set(address.toLowerCase(), status);
			return send(res, 204);
		}
		return send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
	}
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as { port: number };

	const auth = await startAuthSmtpServer();

	project.provide("smtpPort", sink.port);
	project.provide("authSmtpPort", auth.port);
	project.provide("controlUrl", `http://127.0.0.1:${port}`);
	project.provide("webhookSamples", webhooks.samples);
	return async () => {
		await new Promise<void>((resolve) => server.close(() => resolve()));
		await new Promise<void>((resolve) => auth.server.close(() => resolve()));
		await sink.close();
	};
}

function sinkMessages(sink: SmtpSink): SinkMessage[] {
	return sink.messages.map((m) => ({
		envelopeFrom: m.envelopeFrom,
		envelopeTo: m.envelopeTo,
		subject: m.parsed.subject ?? "",
		text: m.parsed.text ?? "",
		html: typeof m.parsed.html === "string" ? m.parsed.html : "",
		// Unfolded raw header lines, so tests see exactly what went over the wire.
		headers: Object.fromEntries(
			m.parsed.headerLines.map((h) => [
				h.key,
				h.line
					.slice(h.line.indexOf(":") + 1)
					.replace(/\r?\n[ \t]+/g, " ")
					.trim(),
			]),
		),
	}));
}

/**
 * A relay that demands a login (user "paperboy", password "p@ss w0rd") and offers no
 * STARTTLS: the SMTP client must refuse to log in over it unless told ?tls=off.
 */
async function startAuthSmtpServer() {
	const logins: { method: string; username: string; accepted: boolean }[] = [];
	const server = new SMTPServer({
		disabledCommands: ["STARTTLS"],
		allowInsecureAuth: true,
		authMethods: ["PLAIN", "LOGIN"],
		disableReverseLookup: true,
		logger: false,
		onAuth(auth, _session, callback) {
			const accepted = auth.username === "paperboy" && auth.password === "p@ss w0rd";
			logins.push({ method: auth.method, username: auth.username ?? "", accepted });
			if (!accepted) return callback(new Error("Invalid username or password"));
			return callback(null, { user: auth.username });
		},
		onData(stream, _session, callback) {
			stream.resume();
			stream.on("end", () => callback());
		},
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return { server, logins, port: (server.server.address() as { port: number }).port };
}
