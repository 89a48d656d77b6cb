import { join } from "node:path";
import type { Config } from "../core/config.ts";
import { randomToken } from "../core/crypto.ts";
import { trackDeferredWork } from "../core/deferred.ts";
import { type Deps, systemClock } from "../core/deps.ts";
import type { Mailer } from "../core/mail/mailer.ts";
import { createLogger } from "./stderr-logger.ts";
import { createEmlMailer, createSmtpMailer } from "./mailers.ts";
import { applyMigrations } from "./migrate.ts";
import { dataDir } from "./settings.ts";
import { createKysely, openSqlite, type Sqlite } from "./sqlite.ts";

export interface NodeRuntime {
	deps: Deps;
	sqlite: Sqlite;
	/** Waits for deferred work (mail after a response) to settle. */
	idle(): Promise<void>;
	close(): Promise<void>;
}

/**
 * Wires core to Node: the SQLite file (migrated), the mailer the settings ask for, the
 * system clock. Tests pass their own clock and mailer; everything else is the real thing.
 */
export function createNodeRuntime(
	config: Config,
	overrides: Partial<Pick<Deps, "clock" | "mailer" | "log" | "random">> = {},
): NodeRuntime {
	const log = overrides.log ?? createLogger(config.logLevel);
	const sqlite = openSqlite(config.databasePath);
	const applied = applyMigrations(sqlite);
	if (applied.length) log.info("migrations applied", { applied });
	const mailer: Mailer =
		overrides.mailer ??
		(config.mail.smtpUrl
			? createSmtpMailer(config.mail)
			: createEmlMailer(join(dataDir(config.databasePath), "outbox"), log));
	const deferred = trackDeferredWork(log);
	const deps: Deps = {
		db: createKysely(sqlite),
		mailer,
		clock: overrides.clock ?? systemClock,
		random: overrides.random ?? { token: randomToken, unit: Math.random },
		config,
		log,
		defer: deferred.defer,
	};
	return {
		deps,
		sqlite,
		idle: deferred.idle,
		async close() {
			await deferred.idle();
			await mailer.close?.();
			await deps.db.destroy();
		},
	};
}
