/**
 * What paperboy computes from a paper when it stores it, in one place: the folded keys
 * of its authors (author topics) and the acronyms it defines (the acronym dictionary).
 * They are written in the same statement as the paper itself, and the database's
 * triggers keep the lookup tables in step (migrations/0020). Changing what is derived
 * means raising `derivedVersion`: stored papers of an older version are recomputed by
 * `refreshDerivedData` (papers/refresh-derived.ts).
 */
import { type AcronymDefinition, findAcronymDefinitions } from "./acronym-definitions.ts";
import { type AuthorKey, authorKeys } from "./author-names.ts";
import type { NormalisedPaper } from "./paper.ts";

export const derivedVersion = 1;

export interface DerivedData {
	authorKeys: AuthorKey[];
	acronyms: AcronymDefinition[];
	derivedVersion: number;
}

export function derivePaperData(paper: Pick<NormalisedPaper, "title" | "abstract" | "authors">): DerivedData {
	return {
		authorKeys: authorKeys(paper.authors),
		acronyms: findAcronymDefinitions(`${paper.title}.\n${paper.abstract}`),
		derivedVersion,
	};
}
