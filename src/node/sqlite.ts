import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, type SqliteDatabase, SqliteDialect } from "kysely";
import type { Database } from "../core/db/schema.ts";
import { ensurePrivateDir, ensurePrivateFile, narrowFile } from "./private-files.ts";

export type Sqlite = BetterSqlite3.Database;

export function openSqlite(path: string): Sqlite {
	if (path !== ":memory:") {
		// SQLite creates files 0644, and its -wal and -shm files take the database file's
		// mode: the file starts (or is narrowed to) 0600 in a 0700 folder.
		ensurePrivateDir(dirname(path));
		ensurePrivateFile(path);
		for (const companion of ["-wal", "-shm", "-journal"]) narrowFile(`${path}${companion}`);
	}
	const sqlite = new BetterSqlite3(path);
	// WAL lets the web server read while a digest run writes; NORMAL is durable at
	// transaction boundaries in WAL mode and much faster than FULL.
	sqlite.pragma("journal_mode = WAL");
	sqlite.pragma("synchronous = NORMAL");
	sqlite.pragma("foreign_keys = ON");
	sqlite.pragma("busy_timeout = 5000");
	return sqlite;
}

/**
 * Kysely prepares every query it runs; SQLite then parses and plans the same few
 * statements again and again (a digest run issues one UPDATE per message). Prepared
 * statements are kept by their SQL and reused, up to `size` of them, least recently
 * used out first. A statement still being iterated is busy: the caller gets a fresh one.
 */
function cachingStatements(sqlite: Sqlite, size = 256): SqliteDatabase {
	const cache = new Map<string, BetterSqlite3.Statement>();
	return {
		close: () => sqlite.close(),
		prepare(sql) {
			const cached = cache.get(sql);
			if (cached && !cached.busy) {
				cache.delete(sql);
				cache.set(sql, cached);
				return cached;
			}
			const statement = sqlite.prepare(sql);
			if (!cached) {
				cache.set(sql, statement);
				if (cache.size > size) cache.delete(cache.keys().next().value ?? sql);
			}
			return statement;
		},
	};
}

export function createKysely(sqlite: Sqlite): Kysely<Database> {
	return new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
}
