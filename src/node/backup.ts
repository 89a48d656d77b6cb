/**
 * `paperboy backup`: a consistent copy of the live database through SQLite's online
 * backup API. In WAL mode the copy reads one snapshot while the server keeps writing;
 * it is written next to its destination under a temporary name, checked, made a
 * standalone file (rollback journal, no -wal beside it), then renamed into place, so a
 * half-written backup never carries the final name.
 */
import { chmodSync, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { AppError } from "../core/errors.ts";
import type { Sqlite } from "./sqlite.ts";

export interface BackupResult {
	file: string;
	bytes: number;
	pages: number;
	ms: number;
}

export async function backupDatabase(sqlite: Sqlite, out: string): Promise<BackupResult> {
	const file = resolve(out);
	if (existsSync(file)) throw new AppError("invalid_input", `${file} exists already: choose a new file name`);
	if (!statSync(dirname(file), { throwIfNoEntry: false })?.isDirectory()) {
		throw new AppError("invalid_input", `the folder ${dirname(file)} does not exist`);
	}
	const partial = `${file}.partial-${process.pid}`;
	const started = performance.now();
	try {
		// After the first 100 pages, the rest in one step: an engine that copies in many
		// small steps starts over whenever the server writes in between.
		const { totalPages } = await sqlite.backup(partial, { progress: () => 1_000_000 });
		const copy = new BetterSqlite3(partial);
		try {
			copy.pragma("journal_mode = DELETE");
			const check = copy.pragma("integrity_check", { simple: true });
			if (check !== "ok") throw new AppError("unavailable", `the copy failed its integrity check: ${String(check)}`);
		} finally {
			copy.close();
		}
		chmodSync(partial, 0o600);
		renameSync(partial, file);
		return { file, bytes: statSync(file).size, pages: totalPages, ms: performance.now() - started };
	} finally {
		for (const leftover of [partial, `${partial}-journal`]) rmSync(leftover, { force: true });
	}
}
