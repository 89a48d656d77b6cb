/**
 * Settings once per isolate, services once per invocation: D1 through Kysely, the mailer
 * the settings choose (a socket cannot outlive the invocation that opened it), and
 * `defer` on the invocation's waitUntil.
 */
import { type Config, parseConfig } from "../core/config.ts";
import { randomToken } from "../core/crypto.ts";
import { createDeps, type Deps } from "../core/deps.ts";
import { AppError } from "../core/errors.ts";
import { createApiMailer, mailTransport, paced } from "../core/mail/mail-transport.ts";
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
 * SMTP over cloudflare:sockets or the HTTP API. SMTP_RATE_PER_SECOND paces either: the
 * queue runs one consumer at a time (max_concurrency = 1), so it is the overall rate.
 */
function workerMailer(config: Config): Mailer {
	const { mail } = config;
	if (mailTransport(mail) !== "smtp" || !mail.smtpUrl) return createApiMailer(mail);
	const boundary = () => `=_paperboy_${randomToken().slice(0, 24)}`;
	const smtp = createSocketSmtpMailer(
		smtpOptionsFromUrl(mail.smtpUrl, new URL(config.baseUrl).hostname, mail.timeouts),
		boundary,
	);
	return mail.ratePerSecond > 0 ? paced(smtp, mail.ratePerSecond) : smtp;
}
