/**
 * The profile on the manage page: the papers a reader liked (👍 and papers added here) and
 * disliked, adding papers by arXiv id, link or BibTeX, removing one, clearing all.
 */
import { getPapersByIds } from "../db/papers.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { authorise } from "../subscriptions/manage-subscription.ts";
import { clearVotes, setVote, votedPapers } from "./votes.ts";

/** Papers one paste or file may add. */
export const maxPapersAdded = 200;

/** The largest file the manage page takes: a BibTeX export of a few hundred entries with abstracts. */
export const maxUploadBytes = 512 * 1024;

/** What the reader sent: pasted text, and a file (a .bib export or a list of arXiv ids) if they chose one. */
export interface PapersToAdd {
	text: string;
	file?: { name: string; bytes: Uint8Array };
}

/** A file's text, if it is UTF-8 text within the limit; else invalid_input naming the file. */
function fileText(file: { name: string; bytes: Uint8Array }): string {
	const refuse = (why: string) => new AppError("invalid_input", why, { file: why });
	if (!file.bytes.length) throw refuse(`${file.name || "The file"} is empty.`);
	if (file.bytes.length > maxUploadBytes)
		throw refuse(`${file.name || "The file"} is larger than ${maxUploadBytes / 1024} KB: upload a smaller one.`);
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(file.bytes);
	} catch {
		throw refuse(`${file.name || "The file"} is not a text file: upload a BibTeX file or a list of arXiv ids.`);
	}
	if (text.includes("\0"))
		throw refuse(`${file.name || "The file"} is not a text file: upload a BibTeX file or a list of arXiv ids.`);
	return text;
}

// New-style arXiv ids (2401.12345, with or without a version), old-style ones
// (astro-ph/0601001, math.GT/0309136), and the demo's seed ids.
const paperIdPattern =
	/\b(\d{4}\.\d{4,5})(?:v\d+)?\b|\b([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?\b|\b(seed-[0-9a-f]{10})\b/g;

/** The paper ids in pasted text: arXiv ids, arxiv.org links, a BibTeX file's eprint fields; in order, once each. */
export function paperIdsIn(text: string): string[] {
	const ids = new Set<string>();
	for (const match of text.matchAll(paperIdPattern)) ids.add((match[1] ?? match[2] ?? match[3]) as string);
	return [...ids];
}

export interface AddedPapers {
	added: string[];
	/** Ids no stored paper has: paperboy knows the papers it has ingested. */
	unknown: string[];
}

/**
 * Adds the papers a paste and an uploaded file name to the reader's liked papers. A file
 * that is not text or too large, or nothing naming a paper, is invalid_input and adds none.
 */
export async function addLikedPapers(
	deps: Deps,
	token: string,
	csrf: string,
	input: PapersToAdd,
): Promise<AddedPapers> {
	const { reader } = await authorise(deps, token, csrf);
	const uploaded = input.file ? fileText(input.file) : "";
	const ids = paperIdsIn(`${input.text}\n${uploaded}`);
	if (!ids.length)
		throw new AppError(
			"invalid_input",
			"No paper found.",
			input.file
				? { file: `${input.file.name || "The file"} names no arXiv id: no eprint field, arXiv link or id in it.` }
				: { papers: "Paste arXiv ids (2401.12345), arxiv.org links or a BibTeX file's entries." },
		);
	if (ids.length > maxPapersAdded)
		throw new AppError("invalid_input", "Too many papers.", {
			papers: `Add at most ${maxPapersAdded} papers at a time.`,
		});
	const papers = await getPapersByIds(deps.db, ids);
	const known = new Set(papers.map((p) => p.id));
	for (const paper of papers) await setVote(deps, reader.id, paper.num, "like", "added");
	return { added: ids.filter((id) => known.has(id)), unknown: ids.filter((id) => !known.has(id)) };
}

/** Takes one paper out of the reader's profile (its 👍, 👎 or addition). */
export async function removeFromProfile(deps: Deps, token: string, csrf: string, paperId: string): Promise<void> {
	const { reader } = await authorise(deps, token, csrf);
	const voted = (await votedPapers(deps, reader.id)).find((v) => v.paperId === paperId);
	if (voted) await setVote(deps, reader.id, voted.paperNum, null, voted.source);
}

/** Empties the reader's profile: every vote and added paper goes. */
export async function clearProfile(deps: Deps, token: string, csrf: string): Promise<void> {
	const { reader } = await authorise(deps, token, csrf);
	await clearVotes(deps, reader.id);
}
