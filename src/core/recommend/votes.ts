/**
 * 👍 / 👎 from a digest's feedback links, papers a reader adds, and the profile they make
 * (docs/recommender.md). A vote writes one row (`paper_votes`), then the reader's profile
 * is rebuilt from all their votes (profileOf: a few dozen stored vectors) and written only
 * if no other write came first (`version`), else rebuilt again: without interactive
 * transactions (D1) two votes at the same instant still both count.
 */

import { deleteVotes, listVotedPapers, upsertVote } from "../db/paper-votes.ts";
import { findPaperById } from "../db/papers.ts";
import { getProfileVersion, writeProfile } from "../db/reader-profiles.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { Paper } from "../papers/paper.ts";
import { findReaderByLink } from "../subscriptions/find-reader.ts";
import type { Reader } from "../subscriptions/reader.ts";
import { profileOf, profileQuery, type Vote } from "./profile.ts";
import type { TermVector } from "./term-vector.ts";

/** Where a vote came from: a digest's feedback link, or a paper added on the manage page (a like). */
export type VoteSource = "vote" | "added";

/** A paper a reader voted on or added, with its stored terms (null: not weighed yet). */
export interface VotedPaper {
	readerId: number;
	paperNum: number;
	paperId: string;
	title: string;
	vote: Vote;
	source: VoteSource;
	at: string;
	terms: TermVector | null;
}

/** What a feedback page shows: the paper, and the reader's vote on it now. */
export interface Feedback {
	reader: Reader;
	paper: Paper;
	vote: Vote | null;
}

const notValid = () =>
	new AppError(
		"not_found",
		"This voting link is not valid any more. The links in your latest digest work; so does your subscription page.",
	);

/** The reader behind a feedback link and the paper it names, or not_found. */
export async function openFeedback(
	deps: Pick<Deps, "db" | "clock">,
	token: string,
	paperId: string,
): Promise<Feedback> {
	const reader = await findReaderByLink(deps, "feedback", token);
	if (!reader) throw notValid();
	const paper = await findPaperById(deps.db, paperId);
	if (!paper) throw new AppError("not_found", "This paper is not in paperboy (any more). Nothing was recorded.");
	const vote = (await listVotedPapers(deps.db, [reader.id])).find((v) => v.paperNum === paper.num)?.vote ?? null;
	return { reader, paper, vote };
}

/** Records (or changes, or with null undoes) a vote from a feedback link; repeating it changes nothing. */
export async function recordVote(
	deps: Pick<Deps, "db" | "clock">,
	token: string,
	paperId: string,
	vote: Vote | null,
): Promise<Feedback> {
	const { reader, paper } = await openFeedback(deps, token, paperId);
	await setVote(deps, reader.id, paper.num, vote, "vote");
	return { reader, paper, vote };
}

/** Sets one vote (null: none) and brings the reader's profile along. */
export async function setVote(
	deps: Pick<Deps, "db" | "clock">,
	readerId: number,
	paperNum: number,
	vote: Vote | null,
	source: VoteSource,
): Promise<void> {
	const at = deps.clock.now().toISOString();
	// The version is read before the vote is written: a rebuild that read the votes before
	// this one landed was made from an older version, and its write is refused.
	const version = await getProfileVersion(deps.db, readerId);
	if (vote) await upsertVote(deps.db, { readerId, paperNum, vote, source, at });
	else await deleteVotes(deps.db, readerId, paperNum);
	await rebuildProfile(deps, readerId, version);
}

/** "Clear all" on the manage page: every vote and added paper goes, and the profile is empty. */
export async function clearVotes(deps: Pick<Deps, "db" | "clock">, readerId: number): Promise<void> {
	const version = await getProfileVersion(deps.db, readerId);
	await deleteVotes(deps.db, readerId);
	await rebuildProfile(deps, readerId, version);
}

/** A reader's voted and added papers, newest first (the manage page, the data export). */
export const votedPapers = (deps: Pick<Deps, "db">, readerId: number): Promise<VotedPaper[]> =>
	listVotedPapers(deps.db, [readerId]);

const maxRebuilds = 5;

/** Rebuilds a profile from the reader's votes and writes it unless a newer write came first. */
async function rebuildProfile(deps: Pick<Deps, "db" | "clock">, readerId: number, version: number): Promise<void> {
	let from = version;
	for (let attempt = 0; attempt < maxRebuilds; attempt++) {
		const votes = await listVotedPapers(deps.db, [readerId]);
		const profile = profileOf(votes.flatMap((v) => (v.terms ? [{ vote: v.vote, terms: v.terms }] : [])));
		const written = await writeProfile(deps.db, {
			readerId,
			query: profileQuery(profile),
			voted: votes,
			fromVersion: from,
			at: deps.clock.now().toISOString(),
		});
		if (written) return;
		from = await getProfileVersion(deps.db, readerId);
	}
	throw new AppError("unavailable", "Too many changes at once: your vote is kept, try again in a moment.");
}
