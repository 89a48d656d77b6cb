import type { Config } from "./config.ts";
import type { Db } from "./db/schema.ts";
import type { Mailer } from "./mail/mailer.ts";

export interface Clock {
	now(): Date;
	sleep(ms: number): Promise<void>;
}

export interface Random {
	/** 32 random bytes, base64url. */
	token(): string;
	/** Uniform in [0, 1), for backoff jitter. */
	unit(): number;
}

export type LogFields = Record<string, unknown>;
export interface Logger {
	debug(message: string, fields?: LogFields): void;
	info(message: string, fields?: LogFields): void;
	warn(message: string, fields?: LogFields): void;
	error(message: string, fields?: LogFields): void;
}

/** Everything core needs from the outside world; src/node and src/worker build it. */
export interface Deps {
	db: Db;
	mailer: Mailer;
	clock: Clock;
	random: Random;
	config: Config;
	log: Logger;
	/** Runs work after the response is sent (waitUntil on Workers, a tracked promise on Node). */
	defer(task: Promise<unknown>): void;
}

export const systemClock: Clock = {
	now: () => new Date(),
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
