import { join } from "node:path";
import type { Config } from "../core/config.ts";
import { randomToken } from "../core/crypto.ts";
import { type Deps, systemClock } from "../core/deps.ts";
import type { Mailer } from "../core/mail/mailer.ts";
import { createLogger } from "./logger.ts";
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
	const pending = new Set<Promise<unknown>>();
	const deps: Deps = {
		db: createKysely(sqlite),
		mailer,
		clock: overrides.clock ?? systemClock,
		random: overrides.random ?? { token: randomToken, unit: Math.random },
		config,
		log,
		defer(task) {
			const tracked = task.catch((error: unknown) => log.error("deferred task failed", { error }));
			pending.add(tracked);
			void tracked.finally(() => pending.delete(tracked));
		},
	};
	return {
		deps,
		sqlite,
		async idle() {
			while (pending.size) await Promise.allSettled([...pending]);
		},
		async close() {
			while (pending.size) await Promise.allSettled([...pending]);
			await mailer.close?.();
			await deps.db.destroy();
		},
	};
}
