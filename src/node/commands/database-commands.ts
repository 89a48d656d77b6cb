import { refreshAllDerivedData } from "../../core/papers/refresh-derived.ts";
import { seedPapersIfEmpty, storePapers } from "../../core/papers/store.ts";
import { paperboyStats } from "../../core/stats.ts";
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
	summary: "load the 110 seed papers (only into an empty database unless --force)",
	usage: "paperboy seed [--force]",
	options: { force: { type: "boolean" } },
	async run(ctx, values) {
		const { deps } = ctx.runtime();
		const papers = readSeedPapers();
		const result = values.force ? await storePapers(deps, papers, "seed") : await seedPapersIfEmpty(deps, papers);
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
