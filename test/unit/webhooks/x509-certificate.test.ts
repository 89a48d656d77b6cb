import { execFileSync } from "node:child_process";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../../../src/core/errors.ts";
import { readCertificate } from "../../../src/core/webhooks/x509-certificate.ts";
import { makeSnsKey } from "../../helpers/sns-signer.ts";

const dir = mkdtempSync(join(tmpdir(), "paperboy-x509-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A certificate made by openssl for a fresh key: `args` are openssl req's extra options. */
function opensslCertificate(type: "rsa" | "ec", args: string[]): string {
	const { privateKey } =
		type === "rsa"
			? generateKeyPairSync("rsa", { modulusLength: 2048 })
			: generateKeyPairSync("ec", { namedCurve: "P-256" });
	const keyFile = join(dir, `${type}-${args.join("")}.pem`);
	writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }));
	return execFileSync("openssl", ["req", "-x509", "-new", "-key", keyFile, "-subj", "/CN=sns.amazonaws.com", ...args], {
		encoding: "utf8",
	});
}

function nodeFacts(pem: string) {
	const certificate = new X509Certificate(pem);
	return {
		publicKey: new Uint8Array(certificate.publicKey.export({ type: "spki", format: "der" })),
		notBefore: new Date(certificate.validFrom),
		notAfter: new Date(certificate.validTo),
	};
}

const certificates = {
	"RSA, valid 2 days (UTCTime)": makeSnsKey(2).certificatePem,
	"RSA, valid past 2050 (GeneralizedTime)": opensslCertificate("rsa", ["-days", "9500"]),
	"EC P-256": opensslCertificate("ec", ["-days", "30"]),
};

describe("reading an X.509 certificate", () => {
	it.each(Object.entries(certificates))("reads the key and validity node:crypto reads: %s", (_, pem) => {
		expect(readCertificate(pem)).toEqual(nodeFacts(pem));
	});

	it("reads the first certificate of a PEM chain, with text around it", () => {
		const [first, second] = Object.values(certificates);
		expect(readCertificate(`Bag Attributes\n${first}\n${second}`)).toEqual(nodeFacts(first ?? ""));
	});

	it("refuses what is not a certificate with AppError(invalid_payload)", () => {
		const pem = certificates["RSA, valid 2 days (UTCTime)"];
		const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
		const asPem = (bytes: Uint8Array) =>
			`-----BEGIN CERTIFICATE-----\n${Buffer.from(bytes).toString("base64")}\n-----END CERTIFICATE-----\n`;
		for (const bad of [
			"",
			"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----",
			"-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----",
			pem.replace("CERTIFICATE", "PUBLIC KEY"),
			asPem(der.subarray(0, der.length - 1)),
			asPem(Buffer.concat([der, Buffer.from([0])])),
			asPem(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff])),
			asPem(Buffer.from([0x30, 0x03, 0x30, 0x01, 0x00])),
		]) {
			expect(() => readCertificate(bad)).toThrow(expect.objectContaining({ code: "invalid_payload" }));
		}
	});

	it("throws nothing but AppError(invalid_payload) for damaged certificates and arbitrary bytes", () => {
		const der = Buffer.from(certificates["RSA, valid 2 days (UTCTime)"].replace(/-----[^-]+-----|\s/g, ""), "base64");
		const asPem = (bytes: Uint8Array) =>
			`-----BEGIN CERTIFICATE-----\n${Buffer.from(bytes).toString("base64")}\n-----END CERTIFICATE-----`;
		const damaged = fc.oneof(
			fc.uint8Array({ maxLength: 400 }),
			fc.tuple(fc.nat({ max: der.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, flip]) => {
				const copy = Uint8Array.from(der);
				copy[at] = (copy[at] ?? 0) ^ flip;
				return copy;
			}),
			fc.nat({ max: der.length }).map((length) => der.subarray(0, length)),
		);
		fc.assert(
			fc.property(damaged, (bytes) => {
				try {
					const facts = readCertificate(asPem(bytes));
					// Damage outside the fields read leaves them as they were, or changes them validly.
					expect(facts.publicKey.length).toBeGreaterThan(0);
					expect(Number.isNaN(facts.notAfter.getTime())).toBe(false);
				} catch (error) {
					expect(error).toBeInstanceOf(AppError);
					expect((error as AppError).code).toBe("invalid_payload");
				}
			}),
			{ numRuns: 500 },
		);
	});
});
