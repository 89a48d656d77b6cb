import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { ApiRequest } from "../worker/sink-types.ts";

/**
 * A stand-in for Resend's `POST /emails`: records each request (headers and JSON body)
 * and answers 200 with an id, or the status chosen for a recipient in `answers`. Also
 * `POST /emails/batch` (permissive validation): each message is recorded with the batch's
 * headers and size; a recipient answered 429 makes the whole request a 429 (a rate limit
 * is per request), any other status puts that message in `errors`.
 */
export function createMailApi() {
	const requests: ApiRequest[] = [];
	/** Per lower-cased recipient: the HTTP status to answer. */
	const answers = new Map<string, number>();
	return {
		requests,
		answers,
		/** Answers `POST /emails`; false for any other request. */
		handle(req: IncomingMessage, body: string, res: ServerResponse): boolean {
			const path = new URL(req.url ?? "/", "http://api").pathname;
			if (req.method === "POST" && path === "/emails/batch") {
				const list = JSON.parse(body) as ApiRequest["body"][];
				const statuses = list.map((m) => answers.get(m.to?.[0]?.toLowerCase() ?? "") ?? 200);
				for (const m of list) requests.push({ headers: lowerCaseHeaders(req), body: m, batchOf: list.length });
				if (statuses.includes(429)) {
					res.setHeader("retry-after", "30");
					sendJson(res, 429, { statusCode: 429, name: "rate_limit_exceeded", message: "too many requests" });
					return true;
				}
				const data = statuses.flatMap((status, i) =>
					status === 200 ? [{ id: `api-batch-${requests.length}-${i}` }] : [],
				);
				const errors = statuses.flatMap((status, index) =>
					status === 200 ? [] : [{ index, message: `answer ${status} for ${list[index]?.to?.[0]}` }],
				);
				sendJson(res, 200, { data, ...(errors.length ? { errors } : {}) });
				return true;
			}
			if (req.method !== "POST" || path !== "/emails") return false;
			const json = JSON.parse(body) as ApiRequest["body"];
			const to = json.to?.[0]?.toLowerCase() ?? "";
			requests.push({ headers: lowerCaseHeaders(req), body: json });
			const status = answers.get(to) ?? 200;
			if (status === 200) sendJson(res, 200, { id: `api-${requests.length}` });
			else {
				// As Resend does when a key sends too fast: when to come back.
				if (status === 429) res.setHeader("retry-after", "30");
				sendJson(res, status, { statusCode: status, name: "test_error", message: `answer ${status} for ${to}` });
			}
			return true;
		},
	};
}

/** The stand-in on its own HTTP server on 127.0.0.1. */
export async function startMailApi() {
	const api = createMailApi();
	const server = createServer((req, res) => {
		readBody(req)
			.then((body) => api.handle(req, body, res) || sendJson(res, 404, { error: "not found" }))
			.catch((error: unknown) => sendJson(res, 500, { error: String(error) }));
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as { port: number };
	return {
		...api,
		url: `http://127.0.0.1:${port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
	return headers;
}

export async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(res: ServerResponse, status: number, body?: unknown) {
	res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
	res.end(body === undefined ? undefined : JSON.stringify(body));
}
