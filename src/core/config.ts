import * as z from "zod";
import { parseBounceAddress } from "./bounces/verp.ts";
import { AppError } from "./errors.ts";
import { logLevels } from "./logging.ts";
import { type SourceSettings, sourceNames, sourceSettingsShape } from "./papers/sources/registry.ts";
import { normaliseEmail } from "./subscriptions/email.ts";
import { svixKey } from "./webhooks/resend-signature.ts";

const cron = z
	.string()
	.trim()
	.regex(/^(\S+\s+){4}\S+$/, "must be a 5-field cron expression, e.g. '0 8 * * 1'");
const isYes = (v: string | undefined) => v === "true" || v === "1" || v === "yes";
const flag = z.enum(["true", "false", "1", "0", "yes", "no", ""]).transform(isYes);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const httpUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""));
const timeZone = z.string().refine((tz) => {
	try {
		new Intl.DateTimeFormat("en", { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}, "must be an IANA time zone such as UTC or Europe/Berlin");

/**
 * A secret is random or it protects nothing: at least 8 different characters and 80 bits
 * by their frequencies. 32 spaces or one repeated character have none; random hex digits
 * (`openssl rand -hex 16` and up) always pass.
 */
function looksRandom(secret: string): boolean {
	const chars = Array.from(secret);
	const counts = new Map<string, number>();
	for (const ch of chars) counts.set(ch, (counts.get(ch) ?? 0) + 1);
	let bits = 0;
	for (const n of counts.values()) bits -= n * Math.log2(n / chars.length);
	return counts.size >= 8 && bits >= 80;
}

/**
 * The sender: `digest@example.org` or `paperboy <digest@example.org>` (the name may be
 * quoted). One address, on one line: it goes into every From header and envelope.
 */
const senderPattern = /^(?:(?:"[^"\\\p{Cc}]*"|[^"<>,;\p{Cc}]*?)\s*<([^<>\s]+)>|([^"<>,;\s]+))$/u;

/** The address part of a valid sender, or undefined. */
export function senderAddress(from: string): string | undefined {
	const match = senderPattern.exec(from.trim());
	const address = match?.[1] ?? match?.[2];
	return address !== undefined && normaliseEmail(address) !== undefined ? address : undefined;
}

const mailFrom = z
	.string()
	.trim()
	.refine(
		(value) => senderAddress(value) !== undefined,
		"must be an address, or a name and an address in <>, e.g. paperboy <digest@example.org>",
	);

const localHosts = /^(localhost|localhost\.localdomain|.+\.localhost|127(\.\d+){3}|0\.0\.0\.0|\[::1?\])$/i;

/**
 * What must hold once mail really goes out (SMTP or an HTTP mail API): every link in
 * every email comes from BASE_URL, so it must be given and reachable by readers, and
 * the sender must be a real address. The quick start (.eml files) needs neither.
 */
function deliveryProblems(input: Record<string, string>): { path: string; message: string }[] {
	const cause = input.MAIL_TRANSPORT
		? `MAIL_TRANSPORT=${input.MAIL_TRANSPORT}`
		: input.SMTP_URL
			? "SMTP_URL is set"
			: input.MAIL_API_TOKEN
				? "MAIL_API_TOKEN is set"
				: undefined;
	if (!cause) return [];
	const because = `mail goes out (${cause})`;
	const problems = [];
	const baseUrl = input.BASE_URL;
	if (!baseUrl) {
		problems.push({
			path: "BASE_URL",
			message: `required when ${because}: the public address readers open, such as https://papers.example.org (every link in every email is built from it)`,
		});
	} else if (
		URL.canParse(baseUrl) &&
		localHosts.test(new URL(baseUrl).hostname) &&
		!isYes(input.ALLOW_LOCAL_BASE_URL)
	) {
		problems.push({
			path: "BASE_URL",
			message: `${baseUrl} points at this machine, so every link in the mail would be dead for its readers: set the public address (or ALLOW_LOCAL_BASE_URL=true when testing with a local mail server)`,
		});
	}
	if (!input.MAIL_FROM) {
		problems.push({
			path: "MAIL_FROM",
			message: `required when ${because}: the sender readers see, an address on your own domain such as "paperboy <digest@papers.example.org>"`,
		});
	}
	return problems;
}

/** Every setting, read from the environment. Names are the environment variables. */
const envSchema = z.object({
	PORT: int(1, 65535).default(3000),
	HOST: z.string().trim().min(1).default("0.0.0.0"),
	BASE_URL: httpUrl.optional(),
	ALLOW_LOCAL_BASE_URL: flag.default(false),
	DATABASE_PATH: z.string().min(1).default("./data/paperboy.db"),
	SMTP_URL: z
		.url({ protocol: /^smtps?$/ })
		.optional()
		.or(z.literal("").transform(() => undefined)),
	SMTP_POOL_SIZE: int(1, 100).default(5),
	SMTP_RATE_PER_SECOND: int(0, 100_000).default(0),
	SMTP_CONNECT_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(600).default(10),
	SMTP_GREETING_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(600).default(30),
	SMTP_COMMAND_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(1200).default(60),
	MAIL_BREAKER_FAILURES: int(1, 1000).default(5),
	MAIL_BREAKER_COOLOFF_SECONDS: z.coerce.number().min(0).max(86_400).default(60),
	// Workers only: SMTP over cloudflare:sockets, or an HTTP mail API (Resend's) over fetch.
	MAIL_TRANSPORT: z.enum(["smtp", "http"]).optional(),
	MAIL_API_URL: httpUrl.default("https://api.resend.com"),
	MAIL_API_TOKEN: z.string().min(1).optional(),
	MAIL_FROM: mailFrom.optional(),
	LIST_UNSUBSCRIBE_MAILTO: z.email().optional(),
	// Bulk-mail laws (CAN-SPAM and others) ask for the sender's postal address in every digest.
	MAIL_POSTAL_ADDRESS: z
		.string()
		.trim()
		.max(300)
		.regex(/^[^\x00-\x1f\x7f]*$/, "must be one line")
		.optional(),
	DKIM_DOMAIN: z.string().optional(),
	DKIM_SELECTOR: z.string().optional(),
	DKIM_PRIVATE_KEY: z.string().optional(),
	SECRET: z
		.string()
		.min(32, "must be at least 32 characters (generate one with `openssl rand -hex 32`)")
		.refine(
			looksRandom,
			"looks guessable (one character repeated, spaces, too few different characters): use a random value, e.g. from `openssl rand -hex 32`",
		),
	DIGEST_CRON: cron.default("0 8 * * 1"),
	DAILY_DIGEST_CRON: cron.default("0 8 * * *"),
	INGEST_CRON: cron.default("0 7 * * *"),
	INGEST_SOURCES: z
		.string()
		.default("hf")
		// "none" turns scheduled ingest off (an explicit empty value would mean the default).
		.transform((s) =>
			s.trim() === "none"
				? []
				: s
						.split(",")
						.map((x) => x.trim())
						.filter(Boolean),
		)
		.pipe(z.array(z.enum(sourceNames))),
	// Each paper source's own settings (ARXIV_QUERY, RSS_CATEGORIES): see papers/sources/.
	...sourceSettingsShape,
	TZ_DEFAULT: timeZone.default("UTC"),
	ADMIN_TOKEN: z.string().min(16).optional(),
	METRICS_TOKEN: z.string().min(16).optional(),
	DIGEST_MAX_PAPERS: int(1, 100).default(20),
	DIGEST_SIMILAR_MAX: int(0, 50).default(5),
	DIGEST_FIRST_WINDOW_DAYS: int(1, 60).default(7),
	SILENT_WEEKS_NOTE: flag.default(true),
	// How long temporary failures are retried, in periods after planning (1: a week for a weekly digest).
	SEND_RETRY_FOR_PERIODS: z.coerce.number().min(0.01).max(10).default(1),
	SEND_RETRY_BASE_SECONDS: z.coerce.number().min(0).default(60),
	SEND_RETRY_MAX_SECONDS: z.coerce.number().min(0).default(3600),
	SEND_LEASE_SECONDS: z.coerce.number().min(1).default(60),
	// Workers only (issue 15): deliveries one chained enqueue step matches and enqueues; sends
	// in flight per queue consumer (Workers allow 6 open connections); consumers at once
	// (wrangler.toml's max_concurrency: SMTP_RATE_PER_SECOND is shared out among them).
	ENQUEUE_STEP_SIZE: int(10, 100_000).default(5000),
	SEND_CONCURRENCY: int(1, 6).default(5),
	SEND_CONSUMERS: int(1, 250).default(4),
	// Days a delivery row is kept (0: for ever); each reader's latest digest always stays.
	DELIVERY_RETENTION_DAYS: int(0, 36_500).default(365),
	RATE_LIMIT_SUBSCRIBE_PER_IP_PER_HOUR: int(1, 1_000_000).default(20),
	RATE_LIMIT_PREVIEW_PER_IP_PER_MINUTE: int(1, 1_000_000).default(60),
	RATE_LIMIT_MAIL_PER_ADDRESS_PER_DAY: int(1, 1000).default(3),
	SIGNUP_MAIL_PER_HOUR: int(1, 10_000_000).default(300),
	MAIL_COOLDOWN_MINUTES: z.coerce.number().min(0).default(10),
	MIN_FILL_SECONDS: z.coerce.number().min(0).default(2),
	TRUST_PROXY: flag.default(false),
	// Node's server only (Workers' front end has its own): slow clients cannot hold connections.
	HTTP_REQUEST_TIMEOUT_SECONDS: int(1, 3600).default(30),
	HTTP_HEADERS_TIMEOUT_SECONDS: int(1, 3600).default(10),
	HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(512),
	LOG_LEVEL: z.enum(logLevels).default("info"),
	// Bounces and complaints (docs/bounces.md, docs/webhooks.md).
	BOUNCE_ADDRESS: z
		.string()
		.refine((a) => isBounceAddress(a), "must be a plain address like bounces@example.org (no +tag)")
		.optional(),
	BOUNCE_SMTP_PORT: int(0, 65535).optional(),
	BOUNCE_SMTP_HOST: z.string().min(1).default("127.0.0.1"),
	BOUNCE_IMAP_URL: z.url({ protocol: /^imaps?$/ }).optional(),
	BOUNCE_IMAP_INTERVAL_SECONDS: int(5, 86_400).default(60),
	SOFT_BOUNCE_LIMIT: int(1, 100).default(3),
	SOFT_BOUNCE_DAYS: int(1, 365).default(30),
	RESEND_WEBHOOK_SECRET: z
		.string()
		.refine((secret) => isSvixSecret(secret), "must be the endpoint's signing secret: whsec_ and base64")
		.optional(),
	POSTMARK_WEBHOOK_USER: z.string().min(8).optional(),
	POSTMARK_WEBHOOK_PASSWORD: z.string().min(16).optional(),
	SES_TOPIC_ARNS: z
		.string()
		.transform((s) =>
			s
				.split(",")
				.map((x) => x.trim())
				.filter(Boolean),
		)
		.pipe(z.array(z.string().regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}$/, "must be SNS topic ARNs")))
		.optional(),
	// Stale sources (docs/decisions/073-stale-source-alarms.md).
	STALE_AFTER_HOURS: z.coerce
		.number()
		.min(1)
		.max(24 * 365)
		.default(48),
	ADMIN_EMAIL: z.email().optional(),
	HEALTH_MIN_FREE_DISK_MB: int(0, 10_000_000).default(512),
});

function isSvixSecret(secret: string): boolean {
	try {
		return secret.startsWith("whsec_") && svixKey(secret).length > 0;
	} catch {
		return false;
	}
}

function isBounceAddress(address: string): boolean {
	try {
		parseBounceAddress(address);
		return true;
	} catch {
		return false;
	}
}

export type Env = Record<string, string | undefined>;

export function parseConfig(env: Env) {
	const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
	const result = envSchema.safeParse(input);
	const problems = [
		...(result.error?.issues.map((issue) => ({ path: issue.path.join(".") || "(env)", message: issue.message })) ?? []),
		...deliveryProblems(input as Record<string, string>),
	];
	if (!result.success || problems.length) {
		const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
		throw new AppError("config", `Invalid settings:\n${lines.join("\n")}`);
	}
	const e = result.data;
	if ((e.BOUNCE_SMTP_PORT !== undefined || e.BOUNCE_IMAP_URL) && !e.BOUNCE_ADDRESS) {
		throw new AppError(
			"config",
			"Invalid settings:\n  BOUNCE_ADDRESS: required with BOUNCE_SMTP_PORT or BOUNCE_IMAP_URL",
		);
	}
	if (e.HTTP_HEADERS_TIMEOUT_SECONDS > e.HTTP_REQUEST_TIMEOUT_SECONDS) {
		throw new AppError(
			"config",
			"Invalid settings:\n  HTTP_HEADERS_TIMEOUT_SECONDS: must not be longer than HTTP_REQUEST_TIMEOUT_SECONDS",
		);
	}
	const baseUrl = e.BASE_URL ?? `http://localhost:${e.PORT}`;
	const host = new URL(baseUrl).hostname;
	const dkim =
		e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY
			? { domainName: e.DKIM_DOMAIN, keySelector: e.DKIM_SELECTOR, privateKey: e.DKIM_PRIVATE_KEY }
			: undefined;
	return {
		port: e.PORT,
		host: e.HOST,
		baseUrl,
		databasePath: e.DATABASE_PATH,
		secret: e.SECRET,
		timeZone: e.TZ_DEFAULT,
		adminToken: e.ADMIN_TOKEN,
		metricsToken: e.METRICS_TOKEN,
		trustProxy: e.TRUST_PROXY,
		http: {
			requestTimeoutSeconds: e.HTTP_REQUEST_TIMEOUT_SECONDS,
			headersTimeoutSeconds: e.HTTP_HEADERS_TIMEOUT_SECONDS,
			maxConnections: e.HTTP_MAX_CONNECTIONS,
		},
		logLevel: e.LOG_LEVEL,
		mail: {
			smtpUrl: e.SMTP_URL,
			poolSize: e.SMTP_POOL_SIZE,
			ratePerSecond: e.SMTP_RATE_PER_SECOND,
			timeouts: {
				connectMs: e.SMTP_CONNECT_TIMEOUT_SECONDS * 1000,
				greetingMs: e.SMTP_GREETING_TIMEOUT_SECONDS * 1000,
				commandMs: e.SMTP_COMMAND_TIMEOUT_SECONDS * 1000,
			},
			breaker: { failures: e.MAIL_BREAKER_FAILURES, coolOffMs: e.MAIL_BREAKER_COOLOFF_SECONDS * 1000 },
			transport: e.MAIL_TRANSPORT,
			apiUrl: e.MAIL_API_URL,
			apiToken: e.MAIL_API_TOKEN,
			from: e.MAIL_FROM ?? `paperboy <paperboy@${host === "localhost" ? "localhost.localdomain" : host}>`,
			listUnsubscribeMailto: e.LIST_UNSUBSCRIBE_MAILTO,
			postalAddress: e.MAIL_POSTAL_ADDRESS,
			dkim,
			/** The return path's base (VERP: each digest goes out from local+TOKEN@domain). */
			bounceAddress: e.BOUNCE_ADDRESS,
			/** Postmark and SES echo a delivery's token back only from headers we add (delivery-markers.ts). */
			deliveryHeaders: Boolean((e.POSTMARK_WEBHOOK_USER && e.POSTMARK_WEBHOOK_PASSWORD) || e.SES_TOPIC_ARNS?.length),
		},
		bounces: {
			smtpPort: e.BOUNCE_SMTP_PORT,
			smtpHost: e.BOUNCE_SMTP_HOST,
			imapUrl: e.BOUNCE_IMAP_URL,
			imapIntervalSeconds: e.BOUNCE_IMAP_INTERVAL_SECONDS,
			softLimit: e.SOFT_BOUNCE_LIMIT,
			softDays: e.SOFT_BOUNCE_DAYS,
		},
		webhooks: {
			resendSecret: e.RESEND_WEBHOOK_SECRET,
			postmark:
				e.POSTMARK_WEBHOOK_USER && e.POSTMARK_WEBHOOK_PASSWORD
					? { user: e.POSTMARK_WEBHOOK_USER, password: e.POSTMARK_WEBHOOK_PASSWORD }
					: undefined,
			sesTopicArns: e.SES_TOPIC_ARNS ?? [],
		},
		staleAfterHours: e.STALE_AFTER_HOURS,
		adminEmail: e.ADMIN_EMAIL,
		schedule: { digestCron: e.DIGEST_CRON, dailyDigestCron: e.DAILY_DIGEST_CRON, ingestCron: e.INGEST_CRON },
		ingest: {
			sources: e.INGEST_SOURCES,
			settings: Object.fromEntries(
				Object.keys(sourceSettingsShape).map((name) => [name, e[name as keyof typeof e]]),
			) as SourceSettings,
		},
		digest: {
			maxPapers: e.DIGEST_MAX_PAPERS,
			similarMax: e.DIGEST_SIMILAR_MAX,
			firstWindowDays: e.DIGEST_FIRST_WINDOW_DAYS,
			silentWeeksNote: e.SILENT_WEEKS_NOTE,
			retryForPeriods: e.SEND_RETRY_FOR_PERIODS,
			retryBaseSeconds: e.SEND_RETRY_BASE_SECONDS,
			retryMaxSeconds: e.SEND_RETRY_MAX_SECONDS,
			leaseSeconds: e.SEND_LEASE_SECONDS,
			retentionDays: e.DELIVERY_RETENTION_DAYS,
		},
		queue: {
			enqueueStepSize: e.ENQUEUE_STEP_SIZE,
			sendConcurrency: e.SEND_CONCURRENCY,
			consumers: e.SEND_CONSUMERS,
		},
		health: { minFreeDiskMb: e.HEALTH_MIN_FREE_DISK_MB },
		limits: {
			subscribePerIpPerHour: e.RATE_LIMIT_SUBSCRIBE_PER_IP_PER_HOUR,
			previewPerIpPerMinute: e.RATE_LIMIT_PREVIEW_PER_IP_PER_MINUTE,
			mailPerAddressPerDay: e.RATE_LIMIT_MAIL_PER_ADDRESS_PER_DAY,
			signupMailPerHour: e.SIGNUP_MAIL_PER_HOUR,
			mailCooldownMinutes: e.MAIL_COOLDOWN_MINUTES,
			minFillSeconds: e.MIN_FILL_SECONDS,
		},
	};
}

export type Config = ReturnType<typeof parseConfig>;
