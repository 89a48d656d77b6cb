/**
 * Settings once per isolate, services once per invocation: D1 through Kysely, the mailer
 * the settings choose (a socket cannot outlive the invocation that opened it), and
 * `defer` on the invocation's waitUntil.
 */
import { type Config, parseConfig } from "../core/config.ts";
import { randomToken } from "../core/crypto.ts";
import { createDeps, type Deps } from "../core/deps.ts";
import { AppError } from "../core/errors.ts";
import { createBatchingApiMailer, mailTransport, paced } from "../core/mail/mail-transport.ts";
import type { Mailer } from "../core/mail/mailer.ts";
import { settingsOf, type WorkerEnv } from "./bindings.ts";
import { createConsoleLogger } from "./console-logger.ts";
import { createD1Kysely } from "./d1.ts";
import { createSocketSmtpMailer, smtpOptionsFromUrl } from "./smtp/socket-mailer.ts";

/** The env object is the same for every request an isolate serves: parse it once. */
const configs = new WeakMap<object, Config>();

export function workerConfig(env: WorkerEnv): Config {
	let config = configs.get(env);
	if (!config) {
		const settings = settingsOf(env);
		// Node falls back to http://localhost:PORT; a deployed worker has no such thing.
		if (!settings.BASE_URL) throw new AppError("config", "Invalid settings:\n  BASE_URL: required on Workers");
		config = parseConfig(settings);
		// Node falls back to .eml files; a worker has nowhere to write them.
		if (!mailTransport(config.mail)) {
			throw new AppError(
				"config",
				"No mail transport: set MAIL_TRANSPORT=http and the secret MAIL_API_TOKEN, or MAIL_TRANSPORT=smtp and the secret SMTP_URL",
			);
		}
		if (config.mail.dkim) {
			createConsoleLogger(config.logLevel).warn("DKIM_* settings are not used on Workers: the relay or API signs");
		}
		configs.set(env, config);
	}
	return config;
}

export interface Invocation {
	deps: Deps;
	/** Waits for deferred work (mail after a response), then closes the mail connection. */
	finish(): Promise<void>;
}

export function openInvocation(env: WorkerEnv, ctx: ExecutionContext): Invocation {
	const config = workerConfig(env);
	const log = createConsoleLogger(config.logLevel);
	const wired = createDeps({
		db: createD1Kysely(env.DB),
		mailer: workerMailer(config),
		config,
		log,
		onDefer: (task) => ctx.waitUntil(task),
	});
	return { deps: wired.deps, finish: wired.close };
}

/**
 * The HTTP API through its batch endpoint (a queue batch in one request), or SMTP over
 * cloudflare:sockets, SEND_CONCURRENCY messages at a time (one connection each; Workers
 * allow six open connections per invocation). The provider's limit, SMTP_RATE_PER_SECOND
 * (API requests or SMTP messages), is shared out among the SEND_CONSUMERS queue consumers
 * that may run at once, so together they stay within it.
 */
function workerMailer(config: Config): Mailer {
	const { mail, queue } = config;
	const perConsumer = mail.ratePerSecond / queue.consumers;
	if (mailTransport(mail) !== "smtp" || !mail.smtpUrl) return createBatchingApiMailer(mail, perConsumer);
	const { smtpUrl } = mail;
	const boundary = () => `=_paperboy_${randomToken().slice(0, 24)}`;
	const smtp = pooled(queue.sendConcurrency, () =>
		createSocketSmtpMailer(smtpOptionsFromUrl(smtpUrl, new URL(config.baseUrl).hostname, mail.timeouts), boundary),
	);
	return perConsumer > 0 ? paced(smtp, perConsumer) : smtp;
}

/** Up to `size` mailers (connections), each sending one message at a time; opened as needed. */
function pooled(size: number, open: () => Mailer): Mailer {
	const opened: Mailer[] = [];
	const idle: Mailer[] = [];
	const waiting: ((mailer: Mailer) => void)[] = [];
	const acquire = (): Promise<Mailer> => {
		const ready = idle.pop();
		if (ready) return Promise.resolve(ready);
		if (opened.length < size) {
			const mailer = open();
			opened.push(mailer);
			return Promise.resolve(mailer);
		}
		return new Promise((resolve) => waiting.push(resolve));
	};
	return {
		async send(message) {
			const mailer = await acquire();
			try {
				return await mailer.send(message);
			} finally {
				const next = waiting.shift();
				if (next) next(mailer);
				else idle.push(mailer);
			}
		},
		async close() {
			await Promise.all(opened.map((m) => m.close?.()));
		},
		abort() {
			for (const m of opened) m.abort?.();
		},
	};
}
