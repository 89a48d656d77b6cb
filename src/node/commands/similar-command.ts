import { AppError } from "../../core/errors.ts";
import { similarPapers } from "../../core/recommend/similar-papers.ts";
import { defineCommand } from "./command.ts";
import { sinceOf } from "./match-command.ts";

// `multiple` options arrive as arrays, whatever the Values type says.
const list = (value: unknown): string[] =>
	(Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => String(v).trim()).filter(Boolean);

export const similarCommand = defineCommand({
	summary: "the stored papers closest to some liked (and disliked) papers, with scores, as the digest recommends",
	usage: "paperboy similar --paper ID [--paper ID …] [--not ID …] [--limit N] [--since ISO] [--json]",
	options: {
		paper: { type: "string", multiple: true },
		not: { type: "string", multiple: true },
		limit: { type: "string" },
		since: { type: "string" },
		json: { type: "boolean" },
	},
	async run(ctx, values) {
		const liked = list(values.paper);
		if (!liked.length) throw new AppError("invalid_input", "--paper ID is required (a stored paper's id; repeat it)");
		const limit = values.limit === undefined ? 10 : Number(values.limit);
		if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
			throw new AppError("invalid_input", `--limit: "${String(values.limit)}" is not a whole number from 1 to 1000`);
		const since = sinceOf(values.since);
		const { deps } = ctx.runtime();
		const found = await similarPapers(deps, { liked, disliked: list(values.not), limit, since });
		if (values.json) {
			const papers = found.map(({ paper, score }) => ({
				id: paper.id,
				title: paper.title,
				score: Math.round(score * 10_000) / 10_000,
				authors: paper.authors,
				url: paper.absUrl,
				addedAt: paper.addedAt,
			}));
			ctx.out(JSON.stringify(papers, null, 2));
			return;
		}
		found.forEach(({ paper, score }, i) => {
			ctx.out(`${i + 1}. ${score.toFixed(3)}  ${paper.title} (${paper.id})`);
		});
		ctx.out(`${found.length} papers${since ? ` first seen since ${since}` : ""}`);
	},
});
