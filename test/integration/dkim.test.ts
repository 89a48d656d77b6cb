import { generateKeyPairSync } from "node:crypto";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import { expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { addReaders } from "../helpers/readers.ts";

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
