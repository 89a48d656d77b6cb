/**
 * `npm run bench:faults`: what a mail relay that accepts connections and never answers
 * costs (issue 11 item 14), for this checkout and, with `--before DIR`, another one, in
 * the same run:
 *   1. deliveries per minute when only the first connection hangs (the rest reach a sink):
 *      `paperboy digest` for `--readers` readers with the default pool of 5, messages
 *      counted at the sink for `--seconds` seconds;
 *   2. seconds from SIGTERM to exit of `npm start`'s server while every connection hangs
 *      (a digest in flight), capped at 180 s.
 * Each checkout runs its own CLI and server on its own database in a temp folder.
 *
 *   npm run bench:faults -- [--before DIR] [--readers 1000] [--seconds 60] [--out DIR]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SMTPServer } from "smtp-server";

const { values: flags } = parseArgs({
	options: {
		before: { type: "string" },
		readers: { type: "string", default: "1000" },
		seconds: { type: "string", default: "60" },
		out: { type: "string" },
	},
});
const readers = Number(flags.readers);
const seconds = Number(flags.seconds);
const here = fileURLToPath(new URL("..", import.meta.url));
const paperFixture = "hf-daily-papers/daily_papers_date-2026-06-12.json";

/** A sink that counts what it accepts, and a relay in front of it that hangs the connections `hang` picks. */
async function startRelay(hang: (n: number) => boolean) {
	let messages = 0;
	const sink = new SMTPServer({
		authOptional: true,
		disabledCommands: ["AUTH", "STARTTLS"],
		disableReverseLookup: true,
		logger: false,
		onData(stream, _session, callback) {
			stream.resume();
			stream.on("end", () => {
				messages++;
				callback();
			});
		},
	});
	await new Promise<void>((done) => sink.listen(0, "127.0.0.1", done));
	const sinkPort = (sink.server.address() as { port: number }).port;
	const sockets = new Set<Socket>();
	let connections = 0;
	const relay = createServer((socket) => {
		sockets.add(socket);
		socket.on("error", () => socket.destroy());
		if (hang(++connections)) return;
		const upstream = connect({ host: "127.0.0.1", port: sinkPort });
		sockets.add(upstream);
		upstream.on("error", () => socket.destroy());
		socket.pipe(upstream).pipe(socket);
	});
	await new Promise<void>((done) => relay.listen(0, "127.0.0.1", done));
	const port = (relay.address() as { port: number }).port;
	return {
		url: `smtp://127.0.0.1:${port}?tls=off`,
		messages: () => messages,
		connections: () => connections,
		async close() {
			for (const s of sockets) s.destroy();
			await new Promise<void>((done) => relay.close(() => done()));
			await new Promise<void>((done) => sink.close(() => done()));
		},
	};
}

function run(checkout: string, args: string[], env: Record<string, string>) {
	return spawn(process.execPath, [join(checkout, "bin/paperboy.js"), ...args], {
		env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent", INGEST_SOURCES: "none", ...env },
		stdio: "ignore",
	});
}
const exited = (child: ChildProcess) => new Promise<number | null>((done) => child.on("exit", (code) => done(code)));

/**
 * A database with the papers of a recorded Hugging Face day and `count` readers who match
 * them (ingested, not the seed: since issue 10 the example papers never go into a digest).
 */
async function prepare(checkout: string, dir: string, count: number) {
	const env = {
		DATABASE_PATH: join(dir, "paperboy.db"),
		SECRET: "bench-secret-0123456789abcdef0123456789",
		BASE_URL: "https://paperboy.example",
		MAIL_FROM: "paperboy <digest@paperboy.example>",
	};
	await exited(run(checkout, ["ingest", "hf", "--file", join(here, "test/fixtures", paperFixture)], env));
	const csv = join(dir, "readers.csv");
	writeFileSync(
		csv,
		`email,keywords\n${Array.from({ length: count }, (_, i) => `r${i}@example.org,language models`).join("\n")}\n`,
	);
	await exited(run(checkout, ["import", "--file", csv], env));
	return env;
}

async function deliveriesPerMinute(checkout: string) {
	const dir = mkdtempSync(join(tmpdir(), "paperboy-faults-"));
	const relay = await startRelay((n) => n === 1);
	try {
		const env = await prepare(checkout, dir, readers);
		const digest = run(checkout, ["digest"], { ...env, SMTP_URL: relay.url });
		const done = exited(digest);
		const started = Date.now();
		await Promise.race([done, new Promise((r) => setTimeout(r, seconds * 1000))]);
		const elapsed = (Date.now() - started) / 1000;
		const delivered = relay.messages();
		digest.kill("SIGKILL");
		return { delivered, elapsedSeconds: elapsed, perMinute: Math.round((delivered / elapsed) * 60) };
	} finally {
		await relay.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

async function secondsToStop(checkout: string) {
	const dir = mkdtempSync(join(tmpdir(), "paperboy-faults-"));
	const relay = await startRelay(() => true);
	try {
		const env = await prepare(checkout, dir, 20);
		// `paperboy serve` since issue 10; before it, src/node/main.ts through tsx.
		const serve = existsSync(join(checkout, "src/node/serve.ts"))
			? [join(checkout, "bin/paperboy.js"), "serve"]
			: ["--import", "tsx", join(checkout, "src/node/main.ts")];
		const server = spawn(process.execPath, serve, {
			cwd: checkout,
			env: {
				PATH: process.env.PATH ?? "",
				...env,
				PORT: "0",
				SMTP_URL: relay.url,
				INGEST_SOURCES: "none",
				LOG_LEVEL: "silent",
				DIGEST_CRON: "* * * * *",
			},
			stdio: "ignore",
		});
		const stopped = exited(server);
		while (relay.connections() === 0) await new Promise((r) => setTimeout(r, 50));
		await new Promise((r) => setTimeout(r, 500));
		const signalled = Date.now();
		server.kill("SIGTERM");
		const code = await Promise.race([
			stopped,
			new Promise<"still running">((r) => setTimeout(r, 180_000, "still running")),
		]);
		const waited = (Date.now() - signalled) / 1000;
		server.kill("SIGKILL");
		return { seconds: Math.round(waited * 10) / 10, exitCode: code };
	} finally {
		await relay.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

const checkouts = [
	{ name: "this", dir: here },
	...(flags.before ? [{ name: "before", dir: resolve(flags.before) }] : []),
];
const results: Record<string, unknown> = {};
for (const { name, dir } of checkouts) {
	const rate = await deliveriesPerMinute(dir);
	const stop = await secondsToStop(dir);
	results[name] = { checkout: dir, oneHungConnection: rate, sigtermWithHungRelay: stop };
	console.log(
		`${name}: ${rate.perMinute} deliveries/min with one hung connection (${rate.delivered} in ${rate.elapsedSeconds.toFixed(1)} s); SIGTERM to exit ${stop.seconds} s (exit ${stop.exitCode})`,
	);
}
const report = {
	date: new Date().toISOString(),
	cpus: cpus().length,
	node: process.version,
	readers,
	seconds,
	results,
};
console.log(JSON.stringify(report, null, 2));
const outDir = resolve(flags.out ?? join(here, "bench/results"));
mkdirSync(outDir, { recursive: true });
writeFileSync(
	join(outDir, `faults-${report.date.slice(0, 10)}-${readers}r-node${process.version.slice(1)}.json`),
	`${JSON.stringify(report, null, 2)}\n`,
);
