import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "../core/db/schema.ts";

export type Sqlite = BetterSqlite3.Database;

export function openSqlite(path: string): Sqlite {
	if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
	const sqlite = new BetterSqlite3(path);
	// WAL lets the web server read while a digest run writes; NORMAL is durable at
	// transaction boundaries in WAL mode and much faster than FULL.
	sqlite.pragma("journal_mode = WAL");
	sqlite.pragma("synchronous = NORMAL");
	sqlite.pragma("foreign_keys = ON");
	sqlite.pragma("busy_timeout = 5000");
	return sqlite;
}

export function createKysely(sqlite: Sqlite): Kysely<Database> {
	return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
