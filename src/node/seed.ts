import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { emptyPaperFields, type NormalisedPaper } from "../core/papers/paper.ts";

export const seedFile = fileURLToPath(new URL("../../seeds/papers.json", import.meta.url));

interface SeedEntry {
	id: string;
	title: string;
	abstract: string;
	url: string;
}

export function readSeedPapers(file = seedFile): NormalisedPaper[] {
	const entries = JSON.parse(readFileSync(file, "utf8")) as SeedEntry[];
	return entries.map((e) => ({ ...emptyPaperFields, id: e.id, title: e.title, abstract: e.abstract, absUrl: e.url }));
}
