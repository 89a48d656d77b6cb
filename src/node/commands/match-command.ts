import { AppError } from "../../core/errors.ts";
import { keywordsField } from "../../core/subscriptions/form-schemas.ts";
import { matchStoredPapers } from "../../core/topics/match-papers.ts";
import { defineCommand } from "./command.ts";

/** `--since ISO`: a time as ISO 8601 UTC, or invalid_input. */
export function sinceOf(value: string | boolean | undefined): string | undefined {
	if (value === undefined) return undefined;
	const time = typeof value === "string" ? Date.parse(value) : Number.NaN;
	if (Number.isNaN(time))
		throw new AppError("invalid_input", `--since: "${String(value)}" is not a date (use ISO 8601, e.g. 2026-11-01)`);
	return new Date(time).toISOString();
}

export const matchCommand = defineCommand({
	summary: "the stored papers a set of topics matches, ranked as a digest would, with the reasons",
	usage: 'paperboy match --keywords "topic, topic" [--since ISO] [--json]',
	options: { keywords: { type: "string" }, since: { type: "string" }, json: { type: "boolean" } },
	async run(ctx, values) {
		if (typeof values.keywords !== "string") throw new AppError("invalid_input", '--keywords "…" is required');
		const keywords = keywordsField.safeParse(values.keywords);
		if (!keywords.success) throw new AppError("invalid_input", `--keywords: ${keywords.error.issues[0]?.message}`);
		const since = sinceOf(values.since);
		const { deps } = ctx.runtime();
		const result = await matchStoredPapers(deps, keywords.data, { since });
		if (values.json) {
			const papers = result.papers.map(({ paper, matched, byAuthor }) => ({
				id: paper.id,
				title: paper.title,
				matched,
				byAuthor,
				authors: paper.authors,
				categories: paper.categories,
				url: paper.absUrl,
				addedAt: paper.addedAt,
				upvotes: paper.upvotes,
			}));
			ctx.out(JSON.stringify(papers, null, 2));
			return;
		}
		for (const topic of result.topics) {
			const also = topic.alsoMatching.length ? ` — also matching: ${topic.alsoMatching.join(", ")}` : "";
			ctx.out(`topic: ${topic.reason}${also}`);
		}
		result.papers.forEach(({ paper, matched }, i) => {
			ctx.out(`${i + 1}. ${paper.title} (${paper.id})\n   matched: ${matched.join(", ")}`);
		});
		const count = result.papers.length;
		ctx.out(`${count} ${count === 1 ? "paper" : "papers"}${since ? ` first seen since ${since}` : ""}`);
	},
});
