import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ingestScheduled } from "../../src/core/papers/ingest.ts";
import { runCli } from "../helpers/cli.ts";
import { days, FakeClock } from "../helpers/clock.ts";
import { type DnsServer, startDnsServer } from "../helpers/dns-server.ts";
import { freePort } from "../helpers/free-port.ts";
import { fixtures, readFixture } from "../helpers/paper-fixtures.ts";
import { createTestRuntime, testSecret } from "../helpers/runtime.ts";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.ts";
import { makeTestCertificates, type TestCertificates } from "../helpers/tls-certificates.ts";

/**
 * A deployment in miniature, all on 127.0.0.1: a relay with STARTTLS and login (its
 * certificate from a private CA the processes trust through NODE_EXTRA_CA_CERTS), a DNS
 * server for the sending domain, and `paperboy serve`.
 */
let dir: string;
let certificates: TestCertificates;
let relay: { port: number; logins: string[]; secureSessions: number; messages: number; close(): Promise<void> };
const servers: ServerProcess[] = [];
const dnsServers: DnsServer[] = [];

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "paperboy-doctor-"));
	certificates = makeTestCertificates(dir);
	relay = await startRelay();
});
afterAll(async () => {
	for (const server of servers) if (server.child.exitCode === null) server.child.kill("SIGTERM");
	await Promise.all(servers.map((s) => s.exited));
	await Promise.all(dnsServers.map((d) => d.close()));
	await relay.close();
	rmSync(dir, { recursive: true, force: true });
});

async function startRelay() {
	const state = { logins: [] as string[], secureSessions: 0, messages: 0 };
	const server = new SMTPServer({
		key: certificates.key,
		cert: certificates.cert,
		authMethods: ["PLAIN", "LOGIN"],
		disableReverseLookup: true,
		logger: false,
		onSecure(_socket, _session, callback) {
			state.secureSessions++;
			callback();
		},
		onAuth(auth, session, callback) {
			if (!session.secure) return callback(new Error("encryption first"));
			if (auth.username !== "relay-user" || auth.password !== "relay-pass") {
				return callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
			}
			state.logins.push(auth.username ?? "");
			callback(null, { user: auth.username });
		},
		onData(stream, _session, callback) {
			state.messages++;
			stream.resume();
			stream.on("end", () => callback());
		},
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
	return Object.assign(state, { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

/** `paperboy dkim generate` as an operator runs it: the key file and the record it prints. */
async function generateDkim(name: string) {
	const out = join(dir, `${name}.pem`);
	const result = await runCli(
		["dkim", "generate", "--domain", "paperboy.example", "--selector", "pb1", "--out", out],
		{},
	);
	expect(result.code, result.stderr).toBe(0);
	const record = /^ {2}pb1\._domainkey\.paperboy\.example {2}TXT {2}"(v=DKIM1; k=rsa; p=[\w+/=]+)"$/m.exec(
		result.stdout,
	)?.[1];
	if (!record) throw new Error(`no record in:\n${result.stdout}`);
	return { file: out, record };
}

function settings(name: string, more: Record<string, string>) {
	return {
		DATABASE_PATH: join(dir, name, "paperboy.db"),
		SECRET: testSecret,
		MAIL_FROM: "paperboy <digest@paperboy.example>",
		SMTP_URL: `smtp://relay-user:relay-pass@127.0.0.1:${relay.port}`,
		DKIM_DOMAIN: "paperboy.example",
		DKIM_SELECTOR: "pb1",
		ALLOW_LOCAL_BASE_URL: "true",
		INGEST_SOURCES: "none",
		NODE_EXTRA_CA_CERTS: certificates.caFile,
		...more,
	};
}

async function serve(env: Record<string, string>) {
	const server = startServerProcess(env);
	servers.push(server);
	await server.listening;
	return server;
}

it("passes a deployment whose relay, DNS records, BASE_URL, disk and database are right, and sends nothing", async () => {
	const dkim = await generateDkim("good");
	const dns = await startDnsServer("paperboy.example", {
		"paperboy.example": "v=spf1 ip4:127.0.0.1 -all",
		"pb1._domainkey.paperboy.example": dkim.record,
		"_dmarc.paperboy.example": "v=DMARC1; p=quarantine; rua=mailto:dmarc@paperboy.example",
	});
	dnsServers.push(dns);
	const port = await freePort();
	const env = settings("good", {
		PORT: String(port),
		BASE_URL: `http://127.0.0.1:${port}`,
		DKIM_PRIVATE_KEY_FILE: dkim.file,
	});
	await serve(env);
	const logins = relay.logins.length;

	const doctor = await runCli(["doctor", "--dns-server", dns.address], env);
	expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
	const lines = doctor.stdout.trim().split("\n");
	expect(lines[0]).toBe(`paperboy doctor: http://127.0.0.1:${port} on ${env.DATABASE_PATH}`);
	expect(lines.slice(1)).toEqual([
		`✓ settings: BASE_URL http://127.0.0.1:${port}; mail by SMTP from paperboy <digest@paperboy.example>`,
		`✓ SMTP: 127.0.0.1:${relay.port} answered, STARTTLS, login as relay-user accepted; nothing sent`,
		'✓ SPF: paperboy.example TXT "v=spf1 ip4:127.0.0.1 -all"',
		"✓ DKIM: pb1._domainkey.paperboy.example publishes the key paperboy signs with",
		'✓ DMARC: _dmarc.paperboy.example TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@paperboy.example"',
		expect.stringMatching(
			new RegExp(`^✓ BASE_URL: http://127\\.0\\.0\\.1:${port}/healthz answers as this instance \\([0-9a-f]{8}…\\)$`),
		),
		expect.stringMatching(/^✓ disk: [\d.]+ MB free in .+ \(database [\d.]+ MB\)$/),
		"✓ database: integrity check ok",
		"– ingest: scheduled ingest is off (INGEST_SOURCES=none)",
		// paperboy serve catches up this week's run at start when Monday 08:00 has passed.
		expect.stringMatching(/^✓ digest: (no weekly run yet \(0 8 \* \* 1, UTC\)|last weekly run finished \d+ min ago)$/),
		"Everything checked is in order.",
	]);
	// It logged in over TLS and left before MAIL FROM.
	expect(relay.logins.length).toBe(logins + 1);
	expect(relay.secureSessions).toBeGreaterThanOrEqual(2);
	expect(relay.messages).toBe(0);
}, 60_000);

it("explains every problem with its fix and exits non-zero", async () => {
	const signing = await generateDkim("signing");
	const published = await generateDkim("other");
	const dns = await startDnsServer("paperboy.example", {
		"paperboy.example": "v=spf1 +all",
		"pb1._domainkey.paperboy.example": published.record,
	});
	dnsServers.push(dns);
	// Another installation answers at BASE_URL.
	const otherPort = await freePort();
	await serve(
		settings("other", {
			PORT: String(otherPort),
			BASE_URL: `http://127.0.0.1:${otherPort}`,
			DKIM_PRIVATE_KEY_FILE: signing.file,
		}),
	);
	// This one's last scheduled ingest finished ten days ago.
	const stale = await createTestRuntime(
		{ DATABASE_PATH: join(dir, "stale", "paperboy.db") },
		{ papers: "none", clock: new FakeClock(new Date(Date.now() - days(10))) },
	);
	const recorded = async () => new Response(readFixture(fixtures.hfDate0612));
	await ingestScheduled(stale.deps, recorded);
	await stale.close();

	const env = settings("stale", {
		BASE_URL: `http://127.0.0.1:${otherPort}`,
		SMTP_URL: `smtp://relay-user:wrong@127.0.0.1:${relay.port}`,
		DKIM_PRIVATE_KEY_FILE: signing.file,
		INGEST_SOURCES: "hf",
	});
	const doctor = await runCli(["doctor", "--dns-server", dns.address], env);
	expect(doctor.code).toBe(1);
	const out = doctor.stdout;
	expect(out).toContain(`✗ SMTP: 127.0.0.1:${relay.port}: AUTH PLAIN failed: 535 Invalid username or password`);
	expect(out).toContain("    fix: check the user name and password in SMTP_URL");
	expect(out).toContain(
		'✗ SPF: paperboy.example: "v=spf1 +all" lets anyone send as you\n    fix: end it with ~all or -all',
	);
	expect(out).toContain(
		"✗ DKIM: pb1._domainkey.paperboy.example publishes a different key than DKIM_PRIVATE_KEY: receivers will reject the signature",
	);
	expect(out).toContain(`    fix: publish pb1._domainkey.paperboy.example TXT "${signing.record.slice(0, 255)}" "`);
	expect(out).toContain("✗ DMARC: no DMARC record at _dmarc.paperboy.example");
	expect(out).toContain(
		'    fix: publish _dmarc.paperboy.example TXT "v=DMARC1; p=none; rua=mailto:dmarc@paperboy.example"',
	);
	expect(out).toMatch(
		/✗ BASE_URL: http:\/\/127\.0\.0\.1:\d+\/healthz is another paperboy \(instance [0-9a-f]{8}…; this database's is [0-9a-f]{8}…\)/,
	);
	expect(out).toMatch(
		/✗ ingest: last scheduled run finished 10 days ago; newest paper first seen 10 days ago; in alarm: hf \(no new batch for 240 h\)\n {4}fix: /,
	);
	expect(out).toMatch(/\n6 problems found\.\n$/);
	expect(relay.messages).toBe(0);
}, 60_000);

it("says when BASE_URL reaches this instance but it reports itself unhealthy (503), with the reason", async () => {
	const dns = await startDnsServer("paperboy.example", {});
	dnsServers.push(dns);
	const port = await freePort();
	// More free disk than any machine has: /healthz answers 503 with the reason.
	const env = settings("unhealthy", {
		PORT: String(port),
		BASE_URL: `http://127.0.0.1:${port}`,
		HEALTH_MIN_FREE_DISK_MB: "10000000",
	});
	await serve(env);
	const doctor = await runCli(["doctor", "--dns-server", dns.address], env);
	expect(doctor.code).toBe(1);
	expect(doctor.stdout).toMatch(
		new RegExp(
			`\\n✗ BASE_URL: http://127\\.0\\.0\\.1:${port}/healthz answers as this instance \\([0-9a-f]{8}…\\) but reports it unhealthy \\(503\\): disk: \\d+ MB free in the data folder, below 10000000 MB \\(HEALTH_MIN_FREE_DISK_MB\\)\\n {4}fix: fix what it names`,
		),
	);
}, 60_000);

it("reports settings that stop paperboy from starting as a problem, not a crash", async () => {
	const doctor = await runCli(["doctor"], {
		SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
		DATABASE_PATH: join(dir, "unset", "paperboy.db"),
		SECRET: testSecret,
	});
	expect(doctor.code).toBe(1);
	expect(doctor.stdout).toContain(
		"✗ settings: Invalid settings:\n      BASE_URL: required when mail goes out (SMTP_URL is set)",
	);
	expect(doctor.stdout).toContain("    fix: set them in the environment or in .env (README, Settings)");
});
