import type { Env as Settings } from "../core/config.ts";

/** One queue message per planned delivery, so each can be acked or retried on its own. */
export interface SendMessage {
	deliveryId: number;
}

/**
 * What wrangler.toml binds, plus every setting as a string: [vars] and secrets arrive
 * under the same names the Node process reads from its environment.
 */
export interface WorkerEnv {
	DB: D1Database;
	SEND_QUEUE: Queue<SendMessage>;
}

/** The string-valued entries of the env: the settings, without the bindings. */
export function settingsOf(env: object): Settings {
	const settings: Settings = {};
	for (const [name, value] of Object.entries(env)) if (typeof value === "string") settings[name] = value;
	return settings;
}
