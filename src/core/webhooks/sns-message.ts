import * as z from "zod";
import { fromBase64 } from "../crypto.ts";
import type { ReplayStore } from "./replay-store.ts";
import { isSnsUrl, type SnsCertificates, type SnsHash } from "./sns-certificates.ts";
import { reject, type Verdict } from "./verdict.ts";

/**
 * Amazon SNS messages to an https subscription (how SES bounce and complaint notifications
 * reach us), checked as AWS documents in "Verifying the signatures of Amazon SNS messages":
 * the string to sign is `Name\nvalue\n` for fixed fields in byte order, which depend on the
 * Type; SignatureVersion 1 is RSA with SHA-1, 2 is RSA with SHA-256, by the certificate at
 * SigningCertURL.
 *
 * A valid AWS signature proves only that SNS sent it: anyone can create a topic in their own
 * account and subscribe our URL to it. So the topic must be one of `topicArns`, checked before
 * any certificate is fetched.
 */

export type SnsMessageType = "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation";

export interface SnsMessage {
	type: SnsMessageType;
	messageId: string;
	topicArn: string;
	/** The payload: for SES notifications a JSON text (see sesNotificationReport). */
	message: string;
	subject?: string;
	timestamp: Date;
	/** SubscriptionConfirmation: the https URL on an SNS host to GET to confirm the subscription. */
	subscribeUrl?: string;
}

export interface SnsVerifyOptions {
	/** The topics we subscribed to (the SES_TOPIC_ARNS allow-list); anything else is refused. */
	topicArns: readonly string[];
	certificates: SnsCertificates;
	replays: ReplayStore;
	now: Date;
	/**
	 * How far the message's Timestamp may be from `now`. SNS keeps the Timestamp of the first
	 * attempt when it retries a delivery, so this must outlast its retry policy (the default
	 * policy gives up within a minute); default 1 hour.
	 */
	toleranceSeconds?: number;
}

const fields = z.object({
	Type: z.enum(["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]),
	MessageId: z.string().min(1).max(200),
	TopicArn: z.string().min(1).max(300),
	Message: z.string(),
	Timestamp: z.string(),
	SignatureVersion: z.enum(["1", "2"]),
	Signature: z.string().min(1),
	SigningCertURL: z.string(),
	Subject: z.string().nullish(),
	SubscribeURL: z.string().optional(),
	Token: z.string().optional(),
});

type Fields = z.infer<typeof fields>;

const hashOf: Record<Fields["SignatureVersion"], SnsHash> = { "1": "SHA-1", "2": "SHA-256" };

/** The string SNS signed, or undefined when a field it needs is missing. */
function stringToSign(message: Fields): string | undefined {
	const names =
		message.Type === "Notification"
			? [
					"Message",
					"MessageId",
					...(typeof message.Subject === "string" ? ["Subject"] : []),
					"Timestamp",
					"TopicArn",
					"Type",
				]
			: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
	const values = message as Record<string, unknown>;
	if (names.some((name) => typeof values[name] !== "string")) return undefined;
	return names.map((name) => `${name}\n${values[name]}\n`).join("");
}

/**
 * Checks an SNS request body: shape, topic, URLs, timestamp, certificate, signature, then
 * replay (by MessageId). Throws AppError("unavailable") only when the certificate could not
 * be fetched; the route should then answer 503 so SNS retries.
 */
export async function verifySnsMessage(body: string, options: SnsVerifyOptions): Promise<Verdict<SnsMessage>> {
	let parsed: z.ZodSafeParseResult<Fields>;
	try {
		parsed = fields.safeParse(JSON.parse(body));
	} catch {
		return reject("malformed");
	}
	if (!parsed.success) return reject("malformed");
	const message = parsed.data;
	const signed = stringToSign(message);
	const timestamp = new Date(message.Timestamp);
	if (signed === undefined || Number.isNaN(timestamp.getTime())) return reject("malformed");

	if (!options.topicArns.includes(message.TopicArn)) return reject("unknown_topic");
	if (!isSnsUrl(message.SigningCertURL)) return reject("untrusted_url");
	const confirming = message.Type === "SubscriptionConfirmation";
	if (confirming && !isSnsUrl(message.SubscribeURL ?? "")) return reject("untrusted_url");

	const tolerance = (options.toleranceSeconds ?? 3600) * 1000;
	if (Math.abs(options.now.getTime() - timestamp.getTime()) > tolerance) return reject("expired");

	const key = await options.certificates.signingKey(
		message.SigningCertURL,
		hashOf[message.SignatureVersion],
		options.now,
	);
	if (!key) return reject("untrusted_certificate");
	const signature = fromBase64(message.Signature);
	const valid =
		signature !== undefined &&
		(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, new TextEncoder().encode(signed)));
	if (!valid) return reject("bad_signature");

	const replayKey = `sns:${message.MessageId}`;
	const fresh = await options.replays.remember(replayKey, new Date(timestamp.getTime() + tolerance), options.now);
	if (!fresh) return reject("replayed");
	return {
		ok: true,
		replayKey,
		value: {
			type: message.Type,
			messageId: message.MessageId,
			topicArn: message.TopicArn,
			message: message.Message,
			timestamp,
			...(typeof message.Subject === "string" ? { subject: message.Subject } : {}),
			...(confirming ? { subscribeUrl: message.SubscribeURL } : {}),
		},
	};
}
