import { AppError } from "../../core/errors.ts";
import { refreshAllDerivedData } from "../../core/papers/refresh-derived.ts";
import { removeSeedPapers, seedPapersIfEmpty, storeSeedPapers } from "../../core/papers/store.ts";
import { paperboyStats } from "../../core/stats.ts";
import { backupDatabase } from "../backup.ts";
import { applyMigrations } from "../migrate.ts";
import { readSeedPapers } from "../seed.ts";
import { defineCommand } from "./command.ts";

export const migrate = defineCommand({
	summary: "apply pending database migrations",
	usage: "paperboy migrate",
	async run(ctx) {
		const { sqlite } = ctx.runtime();
		// The runtime applied them on open already; a second pass reports "up to date".
		const applied = applyMigrations(sqlite);
		const total = sqlite.prepare("SELECT count(*) AS n FROM d1_migrations").get() as { n: number };
		ctx.out(`migrations: ${applied.length} applied now, ${total.n} in the database`);
		const redone = await refreshAllDerivedData(ctx.runtime().deps);
		if (redone) ctx.out(`papers: author and acronym lookups recomputed for ${redone} papers`);
	},
});

export const seed = defineCommand({
	summary: "load the 110 example papers (only into an empty database unless --force), or --remove them",
	usage: "paperboy seed [--force | --remove]",
	options: { force: { type: "boolean" }, remove: { type: "boolean" } },
	async run(ctx, values) {
		if (values.force && values.remove) throw new AppError("invalid_input", "use --force or --remove, not both");
		const { deps } = ctx.runtime();
		if (values.remove) {
			const removed = await removeSeedPapers(deps);
			ctx.out(`seed: ${removed} example papers removed`);
			return;
		}
		const papers = readSeedPapers();
		const result = values.force ? await storeSeedPapers(deps, papers) : await seedPapersIfEmpty(deps, papers);
		ctx.out(
			result
				? `seed: ${result.new} new, ${result.updated} updated`
				: "seed: the database already has papers; nothing loaded (use --force to upsert the seed anyway)",
		);
	},
});

export const stats = defineCommand({
	summary: "counts of papers, readers and suppressions",
	usage: "paperboy stats",
	async run(ctx) {
		const { deps } = ctx.runtime();
		const { papers, readers, suppressions } = await paperboyStats(deps);
		ctx.out(`papers: ${papers}`);
		ctx.out(
			`readers: ${readers.active} active, ${readers.paused} paused, ${readers.pending} pending, ${readers.unsubscribed} unsubscribed`,
		);
		ctx.out(`suppressed addresses: ${suppressions}`);
	},
});

export const backup = defineCommand({
	summary: "copy the database while the server runs (a consistent snapshot)",
	usage: "paperboy backup --out FILE",
	options: { out: { type: "string" } },
	async run(ctx, values) {
		if (typeof values.out !== "string" || !values.out) throw new AppError("invalid_input", "--out FILE is required");
		const { sqlite } = ctx.runtime();
		const result = await backupDatabase(sqlite, values.out);
		const mb = (result.bytes / 1_048_576).toFixed(1);
		ctx.out(`backup: ${result.file} (${mb} MB, ${result.pages} pages) in ${Math.round(result.ms)} ms`);
	},
});
