import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Sqlite } from "./sqlite.ts";

export const migrationsDir = fileURLToPath(new URL("../../migrations/", import.meta.url));

/**
 * Applies migrations/NNNN_name.sql in order, each in its own transaction, and records
 * them in the same `d1_migrations` table that `wrangler d1 migrations apply` keeps, so a
 * database can move between the two tools. Returns the names it applied.
 */
export function applyMigrations(sqlite: Sqlite, dir = migrationsDir): string[] {
	sqlite.exec(`CREATE TABLE IF NOT EXISTS d1_migrations (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		name TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`);
	const files = readdirSync(dir)
		.filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
		.sort();
	const isApplied = sqlite.prepare<[string], { name: string }>("SELECT name FROM d1_migrations WHERE name = ?");
	const record = sqlite.prepare("INSERT INTO d1_migrations (name) VALUES (?)");
	const applied: string[] = [];
	for (const file of files) {
		// IMMEDIATE takes the write lock first, so two processes starting at once cannot
		// both apply the same file.
		sqlite
			.transaction(() => {
				if (isApplied.get(file)) return;
				sqlite.exec(readFileSync(`${dir}/${file}`, "utf8"));
				record.run(file);
				applied.push(file);
			})
			.immediate();
	}
	return applied;
}
