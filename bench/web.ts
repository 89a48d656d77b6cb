/**
 * `npm run bench:web`: autocannon against the web app on 127.0.0.1.
 *
 *   npm run bench:web -- [--duration 10] [--connections 10] [--profile]
 *
 * Starts the embedded default (SQLite in a temp folder, seed papers, .eml mailer) in a
 * child process with the signup rate limits raised and MIN_FILL_SECONDS=0, then loads
 * GET / and POST /subscribe (a new address each time, each with its own signed form
 * stamp, as GET / would hand out). Prints a table and, as its last line, one JSON object; writes it to
 * bench/results/. Cleans up its temp folder and child.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { stampForm } from "../src/core/subscriptions/form-signatures.ts";
import type { WebServerReply, WebServerRequest } from "./web-server.ts";

const { values: flags } = parseArgs({
	options: {
		duration: { type: "string", default: "10" },
		connections: { type: "string", default: "10" },
		out: { type: "string" },
		profile: { type: "boolean", default: false },
	},
});
const duration = Number(flags.duration);
const connections = Number(flags.connections);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const progress = (line: string) => process.stderr.write(`${line}\n`);

const secret = "bench-secret-0123456789abcdef0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "paperboy-bench-web-"));
let child: ChildProcess | undefined;
process.on("exit", () => {
	child?.kill("SIGKILL");
	rmSync(dir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
setTimeout(() => {
	progress("bench:web: giving up after 10 minutes");
	process.exit(2);
}, 10 * 60_000).unref();

function answer<T extends WebServerReply["type"]>(server: ChildProcess, type: T) {
	return new Promise<Extract<WebServerReply, { type: T }>>((resolve, reject) => {
		const onExit = (code: number | null) => reject(new Error(`the server exited (${code})`));
		server.once("exit", onExit);
		const onMessage = (message: WebServerReply) => {
			if (message.type !== type) return;
			server.off("message", onMessage);
			server.off("exit", onExit);
			resolve(message as Extract<WebServerReply, { type: T }>);
		};
		server.on("message", onMessage);
	});
}

interface Run {
	name: string;
	requestsPerS: number;
	p50Ms: number;
	p99Ms: number;
	non2xx: number;
	errors: number;
	/** The server's CPU per request, ms (autocannon runs in this process, not the server's). */
	serverCpuMs: number;
}

async function load(server: ChildProcess, name: string, options: autocannon.Options): Promise<Run> {
	const cpu = async () => {
		const reply = answer(server, "cpu");
		server.send({ type: "cpu" } satisfies WebServerRequest);
		return (await reply).ms;
	};
	const before = await cpu();
	progress(`bench:web: ${name}, ${duration} s with ${connections} connections`);
	const result = await autocannon({ connections, duration, ...options });
	const used = (await cpu()) - before;
	return {
		name,
		requestsPerS: result.requests.average,
		p50Ms: result.latency.p50,
		p99Ms: result.latency.p99,
		non2xx: result.non2xx,
		errors: result.errors,
		serverCpuMs: used / Math.max(1, result.requests.total),
	};
}

async function main() {
	const resultsDir = flags.out ?? here("./results");
	child = fork(here("./web-server.ts"), [], {
		stdio: "inherit",
		execArgv: [
			...process.execArgv,
			...(flags.profile ? ["--cpu-prof", `--cpu-prof-dir=${join(tmpdir(), "paperboy-bench-profiles")}`] : []),
		],
	});
	const ready = answer(child, "ready");
	child.send({
		type: "env",
		env: {
			DATABASE_PATH: join(dir, "paperboy.db"),
			SECRET: secret,
			BASE_URL: "http://127.0.0.1",
			LOG_LEVEL: "warn",
			INGEST_SOURCES: "none",
			// Raised for the run: every request comes from one address and must reach the app.
			RATE_LIMIT_SUBSCRIBE_PER_IP_PER_HOUR: "1000000",
			SIGNUP_MAIL_PER_HOUR: "10000000",
			MIN_FILL_SECONDS: "0",
		},
	} satisfies WebServerRequest);
	const { url } = await ready;

	// The form carries a stamp good for one signup: each request gets its own, made here
	// under the server's SECRET as GET / would have made it (one GET per POST would load
	// the server with page views the route does not do).
	const page = await (await fetch(`${url}/`)).text();
	if (!/name="stamp" value="[^"]+"/.test(page)) throw new Error("no form stamp on GET /");

	// Warm up both routes (JIT, SQLite cache) before measuring.
	await autocannon({ url: `${url}/`, connections, duration: 2 });
	const home = await load(child, "GET /", { url: `${url}/` });
	let n = 0;
	const subscribe = await load(child, "POST /subscribe", {
		url: `${url}/subscribe`,
		requests: [
			{
				method: "POST",
				headers: { "content-type": "application/x-www-form-urlencoded" },
				setupRequest: (request) => ({
					...request,
					body: new URLSearchParams({
						email: `reader${n++}@bench.example.org`,
						keywords: "state space models, diffusion",
						stamp: stampForm(secret, new Date(), `bench${n}`),
						website: "",
					}).toString(),
				}),
			},
		],
	});
	const mails = readdirSync(join(dir, "outbox")).length;
	const closed = new Promise((resolve) => child?.once("exit", resolve));
	child.send({ type: "close" } satisfies WebServerRequest);
	await closed;

	const runs = [home, subscribe];
	const result = {
		get_home_per_s: Math.round(home.requestsPerS),
		get_home_p99_ms: home.p99Ms,
		post_subscribe_per_s: Math.round(subscribe.requestsPerS),
		post_subscribe_p99_ms: subscribe.p99Ms,
		details: {
			runs,
			confirmation_mails_written: mails,
			duration_s: duration,
			connections,
			note: "embedded default: SQLite file, seed papers, .eml mailer (mail written after the response)",
		},
		date: new Date().toISOString(),
		machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "", node: process.version },
		commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: here(".."), encoding: "utf8" }).trim(),
	};
	const targets: Record<string, string> = {
		"GET /": ">= 3,000 /s, p99 <= 50 ms",
		"POST /subscribe": ">= 1,000 /s, p99 <= 50 ms",
	};
	console.log("| route | req/s | p50 | p99 | non-2xx | server CPU/req | target |");
	console.log("|---|---|---|---|---|---|---|");
	for (const r of runs) {
		console.log(
			`| ${r.name} | ${Math.round(r.requestsPerS).toLocaleString("en")} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.non2xx} | ${r.serverCpuMs.toFixed(2)} ms | ${targets[r.name]} |`,
		);
	}
	mkdirSync(resultsDir, { recursive: true });
	const file = join(
		resultsDir,
		`web-${result.date.slice(0, 10)}-${result.machine.cores}cpu-node${process.versions.node}.json`,
	);
	writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	progress(`bench:web: wrote ${file}`);
	console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
	progress(`bench:web: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	process.exitCode = 1;
});
