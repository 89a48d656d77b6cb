import { join } from "node:path";
import { beforeEach, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { FakeClock } from "../helpers/clock.ts";
import { freePort } from "../helpers/free-port.ts";
import { useJourney } from "../helpers/journey.ts";
import { addReaders } from "../helpers/readers.ts";
import { testSecret } from "../helpers/runtime.ts";
import { startServerProcess } from "../helpers/server-process.ts";

const j = useJourney();
// The CLI and server run on the real clock: the harness's papers and readers are added as of now.
beforeEach(async () => {
	await j.restart({}, { clock: new FakeClock(new Date()) });
});
const env = () => ({
	DATABASE_PATH: join(j.rt.dir, "paperboy.db"),
	SECRET: testSecret,
	SMTP_URL: j.sink.url,
	INGEST_SOURCES: "none",
});

it("with SMTP_URL set, the server and the digest command refuse to start without BASE_URL and MAIL_FROM, and send nothing", async () => {
	await addReaders(j.rt, { "reader@example.org": "language models" });
	const expected = [
		"paperboy: Invalid settings:",
		"  BASE_URL: required when mail goes out (SMTP_URL is set): the public address readers open, such as https://papers.example.org (every link in every email is built from it)",
		'  MAIL_FROM: required when mail goes out (SMTP_URL is set): the sender readers see, an address on your own domain such as "paperboy <digest@papers.example.org>"',
	];
	const server = startServerProcess({ ...env(), PORT: String(await freePort()) });
	expect(await server.exited).toBe(2);
	expect(server.log().trim().split("\n")).toEqual(expected);

	const digest = await runCli(["digest"], env());
	expect(digest.code).toBe(2);
	expect(digest.stderr.trim().split("\n")).toEqual(expected);
	expect(j.sink.messages).toHaveLength(0);
}, 30_000);

it("refuses a BASE_URL on this machine and a MAIL_FROM that is no address, unless a local test says so", async () => {
	const local = { ...env(), BASE_URL: "http://localhost:23557", MAIL_FROM: "paperboy" };
	const refused = await runCli(["digest"], local);
	expect(refused.code).toBe(2);
	expect(refused.stderr).toContain("BASE_URL: http://localhost:23557 points at this machine");
	expect(refused.stderr).toContain(
		"MAIL_FROM: must be an address, or a name and an address in <>, e.g. paperboy <digest@example.org>",
	);

	await addReaders(j.rt, { "reader@example.org": "language models" });
	const allowed = await runCli(["digest"], {
		...local,
		MAIL_FROM: "paperboy <digest@papers.example.org>",
		ALLOW_LOCAL_BASE_URL: "true",
	});
	expect(allowed.code, allowed.stderr).toBe(0);
	const [mail] = await j.sink.waitFor(1);
	expect(mail?.parsed.html).toContain('href="http://localhost:23557/manage/');
}, 30_000);

it("the server and the CLI build links from the same BASE_URL, whatever port the server runs on", async () => {
	await addReaders(j.rt, { "reader@example.org": "language models" });
	const settings = { ...env(), BASE_URL: "https://papers.example.org", MAIL_FROM: "digest@papers.example.org" };
	const server = startServerProcess({ ...settings, PORT: String(await freePort()) });
	await server.listening;
	const digest = await runCli(["digest"], settings);
	server.child.kill("SIGTERM");
	expect(await server.exited).toBe(0);
	expect(digest.code, digest.stderr).toBe(0);
	const [mail] = await j.sink.waitFor(1);
	const hrefs = [...(mail?.parsed.html || "").matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? "");
	const ours = hrefs.filter((href) => !href.startsWith("https://arxiv.org/"));
	expect(ours.length).toBeGreaterThan(2);
	for (const href of ours) expect(href).toMatch(/^https:\/\/papers\.example\.org(\/|$)/);
}, 30_000);
