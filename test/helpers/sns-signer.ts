import { execFileSync } from "node:child_process";
import { generateKeyPairSync, type KeyObject, sign, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Amazon SNS as far as a test can be: an RSA key made with node:crypto, a self-signed X.509
 * certificate for it made by openssl, messages signed the way AWS documents, and a real HTTP
 * server on 127.0.0.1 that serves the certificate.
 */

export const topicArn = "arn:aws:sns:eu-west-1:123456789012:paperboy-ses-feedback";
export const certificatePath = "/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem";
export const certificateUrl = `https://sns.eu-west-1.amazonaws.com${certificatePath}`;

export interface SnsKey {
	privateKey: KeyObject;
	certificatePem: string;
	certificate: X509Certificate;
}

/** A key pair and a self-signed certificate valid for `days` from now (openssl's clock). */
export function makeSnsKey(days = 2): SnsKey {
	const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
	const dir = mkdtempSync(join(tmpdir(), "paperboy-sns-"));
	try {
		const keyFile = join(dir, "key.pem");
		writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
		const certificatePem = execFileSync(
			"openssl",
			["req", "-x509", "-new", "-key", keyFile, "-subj", "/CN=sns.amazonaws.com", "-days", String(days), "-sha256"],
			{ encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
		);
		return { privateKey, certificatePem, certificate: new X509Certificate(certificatePem) };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * The string SNS signs, written out per type as in AWS's "Verifying the signatures of
 * Amazon SNS messages" (not shared with the code under test, so the two can disagree).
 */
export function snsStringToSign(m: Record<string, string | undefined>): string {
	if (m.Type === "Notification") {
		const subject = m.Subject === undefined ? "" : `Subject\n${m.Subject}\n`;
		return `Message\n${m.Message}\nMessageId\n${m.MessageId}\n${subject}Timestamp\n${m.Timestamp}\nTopicArn\n${m.TopicArn}\nType\n${m.Type}\n`;
	}
	return `Message\n${m.Message}\nMessageId\n${m.MessageId}\nSubscribeURL\n${m.SubscribeURL}\nTimestamp\n${m.Timestamp}\nToken\n${m.Token}\nTopicArn\n${m.TopicArn}\nType\n${m.Type}\n`;
}

/** `fields` with SignatureVersion, Signature and SigningCertURL added, signed by `key`. */
export function signSns(
	key: SnsKey,
	fields: Record<string, string | undefined>,
	version: "1" | "2" = "2",
	signingCertUrl = certificateUrl,
): Record<string, string | undefined> {
	const signature = sign(version === "1" ? "sha1" : "sha256", Buffer.from(snsStringToSign(fields)), key.privateKey);
	return {
		...fields,
		SignatureVersion: version,
		Signature: signature.toString("base64"),
		SigningCertURL: signingCertUrl,
	};
}

let messages = 0;

/** An SNS Notification of `message` on our topic, sent at `at`. */
export function snsNotification(message: string, at: Date, extra: Record<string, string> = {}) {
	messages++;
	return {
		Type: "Notification",
		MessageId: `22b80b92-fdea-4c2c-8f9d-${String(messages).padStart(12, "0")}`,
		TopicArn: topicArn,
		Message: message,
		Timestamp: at.toISOString(),
		UnsubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:c9135db0`,
		...extra,
	};
}

export interface CertificateServer {
	port: number;
	/** Paths requested, in order. */
	requests: string[];
	/** What GET `path` answers; other paths get 404. */
	routes: Map<string, { status: number; body: string }>;
	/** A fetch that sends any https://sns.<region>.amazonaws.com URL to this server instead. */
	fetch: typeof fetch;
	close(): Promise<void>;
}

export async function startCertificateServer(certificatePem: string): Promise<CertificateServer> {
	const requests: string[] = [];
	const routes = new Map([[certificatePath, { status: 200, body: certificatePem }]]);
	const server: Server = createServer((req, res) => {
		requests.push(req.url ?? "");
		const route = routes.get(req.url ?? "") ?? { status: 404, body: "<Error><Code>NoSuchKey</Code></Error>" };
		res.writeHead(route.status, { "content-type": "application/x-x509-ca-cert" }).end(route.body);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as { port: number };
	const local: typeof fetch = (input, init) => {
		const url = new URL(String(input));
		if (url.protocol !== "https:" || !/^sns\.[a-z0-9-]+\.amazonaws\.com$/.test(url.hostname)) {
			throw new Error(`the test fetch was asked for ${url}`);
		}
		return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, init);
	};
	return {
		port,
		requests,
		routes,
		fetch: local,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
