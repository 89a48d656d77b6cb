/**
 * Wires core to Node: the SQLite file (migrated), the mailer the settings ask for, the
 * system clock. Tests pass their own clock and mailer; everything else is the real thing.
 */
import { statSync } from "node:fs";
import { statfs } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/deps.ts";
import { createDeps, type Deps } from "../core/deps.ts";
import { createApiMailer, mailTransport } from "../core/mail/mail-transport.ts";
import type { Mailer } from "../core/mail/mailer.ts";
import type { NodeMetrics } from "./metrics.ts";
import { applyMigrations } from "./migrate.ts";
import { dataDir } from "./settings.ts";
import { createKysely, openSqlite, type Sqlite } from "./sqlite.ts";
import { createLogger } from "./stderr-logger.ts";

export interface NodeRuntime {
	deps: Deps;
	sqlite: Sqlite;
	/** Prometheus metrics of this runtime, where it serves them (`paperboy serve` with METRICS_TOKEN). */
	metrics: NodeMetrics | undefined;
	/** Waits for deferred work (mail after a response) to settle. */
	idle(): Promise<void>;
	close(): Promise<void>;
}

/**
 * `metrics`: only where they are served (`paperboy serve` with METRICS_TOKEN): prom-client
 * is loaded by whoever makes them (src/node/metrics.ts), so other commands start without it.
 */
export function createNodeRuntime(
	config: Config,
	overrides: Partial<Pick<Deps, "clock" | "mailer" | "log" | "random">> = {},
	options: { metrics?: NodeMetrics } = {},
): NodeRuntime {
	const log = overrides.log ?? createLogger(config.logLevel);
	const sqlite = openSqlite(config.databasePath);
	const applied = applyMigrations(sqlite);
	if (applied.length) log.info("migrations applied", { applied });
	const { metrics } = options;
	const mailer = overrides.mailer ?? nodeMailer(config, log);
	const wired = createDeps({
		db: createKysely(sqlite),
		mailer: metrics ? metrics.instrument(mailer) : mailer,
		config,
		log,
		clock: overrides.clock,
		random: overrides.random,
		storage: {
			freeBytes: () => freeBytes(dataDir(config.databasePath)),
			databaseBytes: async () => databaseBytes(config.databasePath),
		},
	});
	return {
		deps: wired.deps,
		sqlite,
		metrics,
		idle: wired.idle,
		async close() {
			await wired.close();
			await wired.deps.db.destroy();
		},
	};
}

/** The database file and its WAL: what a backup copies. */
function databaseBytes(path: string): number {
	return ["", "-wal"].reduce(
		(sum, suffix) => sum + (statSync(`${path}${suffix}`, { throwIfNoEntry: false })?.size ?? 0),
		0,
	);
}

async function freeBytes(dir: string): Promise<number> {
	const stats = await statfs(dir);
	return stats.bavail * stats.bsize;
}

/** SMTP through the pool, the HTTP mail API, or, when the settings name neither, .eml files in the data folder. */
function nodeMailer(config: Config, log: Logger): Mailer {
	switch (mailTransport(config.mail)) {
		case "smtp":
			return loadedOnFirstSend(async () => (await import("./smtp-pool-mailer.ts")).createSmtpPoolMailer(config.mail));
		case "http":
			return createApiMailer(config.mail);
		case undefined:
			return loadedOnFirstSend(async () =>
				(await import("./eml-mailer.ts")).createEmlMailer(join(dataDir(config.databasePath), "outbox"), log),
			);
	}
}

/**
 * A mailer whose code (nodemailer's MIME and DKIM pieces) loads when the first message
 * goes out: most CLI commands send nothing and start faster without it.
 */
function loadedOnFirstSend(load: () => Promise<Mailer>): Mailer {
	let loading: Promise<Mailer> | undefined;
	let loaded: Mailer | undefined;
	return {
		async send(message) {
			loading ??= load().then((mailer) => {
				loaded = mailer;
				return mailer;
			});
			return (await loading).send(message);
		},
		async close() {
			await (await loading)?.close?.();
		},
		abort() {
			if (loaded) loaded.abort?.();
			else void loading?.then((mailer) => mailer.abort?.());
		},
	};
}
