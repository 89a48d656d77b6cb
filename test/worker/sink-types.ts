declare module "vitest" {
	export interface ProvidedContext {
		smtpPort: number;
		/** An SMTP server that requires AUTH and offers no STARTTLS. */
		authSmtpPort: number;
		/** Base URL of the control API; `${controlUrl}/emails` is the mail API stand-in. */
		controlUrl: string;
		/** Signed in Node (global-setup.ts) for the webhook checks under workerd; `now` is when. */
		webhookSamples: WebhookSamples;
	}
}

export interface WebhookSamples {
	now: string;
	topicArn: string;
	/** SNS Notifications signed with SignatureVersion 1 and 2; the certificate is at `${controlUrl}${path}`. */
	sns: { "1": string; "2": string };
	resend: { secret: string; headers: Record<string, string>; body: string };
}

/** What the control API in global-setup.ts returns, shared with the tests in workerd. */
export interface SinkMessage {
	/** MAIL FROM: the return path. */
	envelopeFrom: string;
	envelopeTo: string[];
	subject: string;
	text: string;
	html: string;
	/** Lower-cased header name to unfolded value. */
	headers: Record<string, string>;
}

export interface ApiRequest {
	headers: Record<string, string>;
	body: {
		from?: string;
		to?: string[];
		subject?: string;
		text?: string;
		html?: string;
		headers?: Record<string, string>;
		tags?: { name: string; value: string }[];
	};
	/** Sent through POST /emails/batch: how many messages that request carried. */
	batchOf?: number;
}
