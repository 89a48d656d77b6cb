import { type Config, parseConfig } from "../core/config.ts";
import { randomToken } from "../core/crypto.ts";
import { trackDeferredWork } from "../core/deferred.ts";
import { type Deps, systemClock } from "../core/deps.ts";
import { AppError } from "../core/errors.ts";
import { createD1Kysely } from "./d1.ts";
import { settingsOf, type WorkerEnv } from "./bindings.ts";
import { createConsoleLogger } from "./console-logger.ts";
import { createWorkerMailer, mailTransport } from "./mailers/select.ts";

/** The env object is the same for every request an isolate serves: parse it once. */
const configs = new WeakMap<object, Config>();

export function workerConfig(env: WorkerEnv): Config {
	let config = configs.get(env);
	if (!config) {
		const settings = settingsOf(env);
		// Node falls back to http://localhost:PORT; a deployed worker has no such thing.
		if (!settings.BASE_URL) throw new AppError("config", "Invalid settings:\n  BASE_URL: required on Workers");
		config = parseConfig(settings);
		mailTransport(config.mail);
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

/**
 * Deps for one fetch, scheduled or queue invocation: D1 through Kysely, the mailer the
 * settings choose, and `defer` on the invocation's waitUntil.
 */
export function openInvocation(env: WorkerEnv, ctx: ExecutionContext): Invocation {
	const config = workerConfig(env);
	const log = createConsoleLogger(config.logLevel);
	const mailer = createWorkerMailer(config);
	const deferred = trackDeferredWork(log, (task) => ctx.waitUntil(task));
	const deps: Deps = {
		db: createD1Kysely(env.DB),
		mailer,
		clock: systemClock,
		random: { token: randomToken, unit: Math.random },
		config,
		log,
		defer: deferred.defer,
	};
	return {
		deps,
		async finish() {
			await deferred.idle();
			await mailer.close?.();
		},
	};
}
