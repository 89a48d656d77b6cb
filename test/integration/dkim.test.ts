import { generateKeyPairSync } from "node:crypto";
import { Resolver } from "node:dns/promises";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import { expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { runCli } from "../helpers/cli.ts";
import { FakeClock, hours } from "../helpers/clock.ts";
import { startDnsServer } from "../helpers/dns-server.ts";
import { useJourney } from "../helpers/journey.ts";
import { addReaders } from "../helpers/readers.ts";
import { testSecret } from "../helpers/runtime.ts";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const publicDer = publicKey.export({ type: "spki", format: "der" }).toString("base64");
const j = useJourney({
	DKIM_DOMAIN: "paperboy.test",
	DKIM_SELECTOR: "pb2026",
	DKIM_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
});

it("signs digests with DKIM, covering the one-click unsubscribe headers, and the signature verifies", async () => {
	j.rt.clock.advance(hours(1));
	await addReaders(j.rt, { "ann@example.org": "state space models" });
	await runDigest(j.rt.deps, ["weekly"]);
	const [mail] = await j.sink.waitFor(1);
	// The public key as it would be published in DNS, served to the verifier directly.
	const resolver = async (name: string, type: string) => {
		if (name === "pb2026._domainkey.paperboy.test" && type === "TXT") return [[`v=DKIM1; k=rsa; p=${publicDer}`]];
		throw Object.assign(new Error(`no record for ${name}`), { code: "ENOTFOUND" });
	};
	const result = await dkimVerify(Buffer.from(mail?.raw ?? ""), { resolver });
	const [signature] = result.results;
	expect(signature?.status.result).toBe("pass");
	expect(signature?.signingDomain).toBe("paperboy.test");
	const signed = (signature?.signingHeaders.keys ?? "").toLowerCase().split(": ");
	expect(signed).toEqual(
		expect.arrayContaining(["from", "to", "subject", "message-id", "list-unsubscribe", "list-unsubscribe-post"]),
	);
});

it("a key from `paperboy dkim generate`, read from DKIM_PRIVATE_KEY_FILE, signs digests that its printed record verifies", async () => {
	const rt = await j.restart({}, { clock: new FakeClock(new Date()) });
	const file = join(rt.dir, "keys", "dkim.pem");
	const generated = await runCli(
		["dkim", "generate", "--domain", "paperboy.test", "--selector", "pb2", "--out", file],
		{},
	);
	expect(generated.code, generated.stderr).toBe(0);
	expect(statSync(file).mode & 0o777).toBe(0o600);
	expect(generated.stdout).toContain(`  DKIM_PRIVATE_KEY_FILE=${file}\n`);
	const record = /^ {2}pb2\._domainkey\.paperboy\.test {2}TXT {2}"(v=DKIM1; k=rsa; p=[\w+/=]+)"$/m.exec(
		generated.stdout,
	)?.[1];
	const dns = await startDnsServer("paperboy.test", { "pb2._domainkey.paperboy.test": record ?? "" });
	try {
		await addReaders(rt, { "ann@example.org": "state space models" });
		const sent = await runCli(["digest"], {
			DATABASE_PATH: join(rt.dir, "paperboy.db"),
			SECRET: testSecret,
			SMTP_URL: j.sink.url,
			BASE_URL: "http://paperboy.test",
			MAIL_FROM: "paperboy <digest@paperboy.test>",
			DKIM_DOMAIN: "paperboy.test",
			DKIM_SELECTOR: "pb2",
			DKIM_PRIVATE_KEY_FILE: file,
		});
		expect(sent.code, sent.stderr).toBe(0);
		const [mail] = await j.sink.waitFor(1);
		// The verifier looks the key up in DNS, as a receiving server would.
		const dnsResolver = new Resolver();
		dnsResolver.setServers([dns.address]);
		const resolver = (name: string) => dnsResolver.resolveTxt(name);
		const [signature] = (await dkimVerify(Buffer.from(mail?.raw ?? ""), { resolver })).results;
		expect(signature?.status.result).toBe("pass");
		expect(signature?.signingDomain).toBe("paperboy.test");
	} finally {
		await dns.close();
	}
}, 30_000);

it("`paperboy dkim generate` refuses a bad domain or selector and never overwrites a key", async () => {
	const file = join(j.rt.dir, "dkim.pem");
	const bad = await runCli(["dkim", "generate", "--domain", "not a domain", "--selector", "pb1", "--out", file], {});
	expect(bad.code).toBe(2);
	expect(bad.stderr).toContain("--domain must be a domain name such as papers.example.org");
	const selector = await runCli(
		["dkim", "generate", "--domain", "paperboy.test", "--selector", "a_b", "--out", file],
		{},
	);
	expect(selector.code).toBe(2);
	expect(existsSync(file)).toBe(false);

	writeFileSync(file, "an existing key");
	const again = await runCli(["dkim", "generate", "--domain", "paperboy.test", "--selector", "pb1", "--out", file], {});
	expect(again.code).toBe(2);
	expect(again.stderr).toContain("exists already");
	expect(readFileSync(file, "utf8")).toBe("an existing key");
});
