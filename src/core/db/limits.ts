import type { Db } from "./schema.ts";

/**
 * How many values one statement may bind. SQLite allows 32,766; Cloudflare D1 only 100.
 * The Workers entry declares its limit for its Kysely instance, and multi-row statements
 * size their chunks from it, so the same functions work on both.
 */
const parameterLimits = new WeakMap<Db, number>();

export function declareParameterLimit(db: Db, limit: number): void {
	parameterLimits.set(db, limit);
}

/** Rows of `columns` values that fit in one statement (at least 1, at most `cap`). */
export function rowsPerStatement(db: Db, columns: number, cap = 1000): number {
	const limit = parameterLimits.get(db) ?? 32_766;
	return Math.max(1, Math.min(cap, Math.floor(limit / columns)));
}

/** Splits a list into statement-sized chunks. */
export function chunksFor<T>(db: Db, items: readonly T[], columns: number, cap?: number): T[][] {
	const size = rowsPerStatement(db, columns, cap);
	const chunks: T[][] = [];
	for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
	return chunks;
}
