/**
 * Everything core needs from the outside world, and the one way both runtimes assemble
 * it: src/node/runtime.ts (a process) and src/worker/invocation.ts (an invocation).
 */
import type { Config } from "./config.ts";
import { randomToken } from "./crypto.ts";
import type { Db } from "./db/schema.ts";
import { trackDeferredWork } from "./deferred.ts";
import { breakerGuarded, CircuitBreaker } from "./mail/circuit-breaker.ts";
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
	/** The data folder's free space and the database's size, where the runtime keeps one (Node; D1 has none to watch). */
	storage?: { freeBytes(): Promise<number>; databaseBytes(): Promise<number> };
}

export const systemClock: Clock = {
	now: () => new Date(),
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const systemRandom: Random = { token: randomToken, unit: Math.random };

export interface WiredDeps {
	deps: Deps;
	/** Resolves when work deferred past a response (mail after a signup) has settled. */
	idle(): Promise<void>;
	/** Waits for deferred work, then closes the mail connection. The database is the caller's. */
	close(): Promise<void>;
}

/**
 * Deps from a runtime's parts; the system clock and randomness unless given (tests give
 * a clock). `onDefer` also hands each deferred task to the runtime (Workers: waitUntil).
 */
export function createDeps(parts: {
	db: Db;
	mailer: Mailer;
	config: Config;
	log: Logger;
	clock?: Clock;
	random?: Random;
	storage?: Deps["storage"];
	onDefer?: (task: Promise<unknown>) => void;
}): WiredDeps {
	const deferred = trackDeferredWork(parts.log, parts.onDefer);
	const clock = parts.clock ?? systemClock;
	const breaker = new CircuitBreaker(parts.config.mail.breaker, clock, parts.log);
	const deps: Deps = {
		db: parts.db,
		// Whatever the transport: an unreachable relay pauses sending instead of timing out every message.
		mailer: breakerGuarded(parts.mailer, breaker),
		clock,
		random: parts.random ?? systemRandom,
		config: parts.config,
		log: parts.log,
		defer: deferred.defer,
		...(parts.storage ? { storage: parts.storage } : {}),
	};
	return {
		deps,
		idle: deferred.idle,
		async close() {
			await deferred.idle();
			await parts.mailer.close?.();
		},
	};
}
