/**
 * Builds seeds/papers.json from the page paperboy was born from (seeds/source-page.txt,
 * a copy of ../shared/seed/000_366c8dbd37e0829f.txt):
 * a header, then for each paper a title line and an abstract line, blank lines between.
 * Titles and abstracts are kept exactly as on the page. The page gives no arXiv ids, so
 * each paper gets a stable id from its title, and a link to arXiv's title search.
 *
 *   npx tsx scripts/build-seed.ts [page.txt]
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
export const seedPageFile = `${root}seeds/source-page.txt`;

export interface SeedPaper {
	id: string;
	title: string;
	abstract: string;
	url: string;
}

export function parseSeedPage(text: string): SeedPaper[] {
	const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
	// The page header ends with the date line ("Mar 14"); papers follow in pairs.
	const start = lines.findIndex((line) => /^[A-Z][a-z]{2} \d{1,2}$/.test(line.trim()));
	if (start < 0) throw new Error("seed page: no date line before the papers");
	const body = lines.slice(start + 1);
	if (body.length % 2 !== 0) throw new Error(`seed page: ${body.length} lines is not title/abstract pairs`);
	const papers: SeedPaper[] = [];
	for (let i = 0; i < body.length; i += 2) {
		const title = body[i] as string;
		const abstract = body[i + 1] as string;
		const id = `seed-${createHash("sha256").update(title).digest("hex").slice(0, 10)}`;
		const url = `https://arxiv.org/search/?query=${encodeURIComponent(title)}&searchtype=title`;
		papers.push({ id, title, abstract, url });
	}
	return papers;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const file = process.argv[2] ?? seedPageFile;
	const papers = parseSeedPage(readFileSync(file, "utf8"));
	if (new Set(papers.map((p) => p.id)).size !== papers.length) throw new Error("seed page: duplicate titles");
	writeFileSync(`${root}seeds/papers.json`, `${JSON.stringify(papers, null, 2)}\n`);
	console.log(`wrote seeds/papers.json: ${papers.length} papers from ${file}`);
}
