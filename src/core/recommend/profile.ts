/**
 * A reader's profile: per term, the sums of its weights over the papers they liked (👍 and
 * papers they added) and over the papers they disliked (👎), and how many of each. A vote
 * changes it by one paper's stored top terms (voteChange), so it is kept up to date on each
 * vote without going back to the other votes: the change is a set of integer increments
 * (applyProfileChange). Only the query is stored (db/reader-profiles.ts): a vote rebuilds
 * the profile from the reader's votes (recommend/votes.ts). Integer sums make the order of votes
 * irrelevant: any sequence of votes, changes and undos leaves the profile that the final
 * votes alone give (test/unit/recommend/profile.test.ts).
 *
 * What scoring uses is the profile's query (profileQuery), Rocchio's
 * alpha·mean(liked) − beta·mean(disliked), cut to its heaviest terms. Negative weights are
 * kept (up to `negativeSize` of them): they are how a 👎 counts against the disliked paper's
 * neighbours. A 👎 on a paper a topic matched changes only this profile, never the topics.
 */
import { emptyVector, heaviestFirst, type TermVector, type TermWeight, topScaled } from "./term-vector.ts";

export type Vote = "like" | "dislike";

export interface Profile {
	/** How many papers the reader liked, and disliked. */
	liked: number;
	disliked: number;
	/** Per term, its summed weight over the liked papers and over the disliked ones; never [0, 0]. */
	sums: ReadonlyMap<string, readonly [liked: number, disliked: number]>;
}

export const emptyProfile: Profile = { liked: 0, disliked: 0, sums: new Map() };

export interface ProfileChange {
	liked: number;
	disliked: number;
	terms: readonly (readonly [term: string, liked: number, disliked: number])[];
}

const side = (vote: Vote | null): [liked: number, disliked: number] =>
	vote === "like" ? [1, 0] : vote === "dislike" ? [0, 1] : [0, 0];

/**
 * What one paper's vote going from `before` to `after` (null: no vote) does to a profile,
 * given the paper's stored top terms. The same terms must be used when the vote is undone:
 * they are stored once at ingest and never recomputed, so they are.
 */
export function voteChange(before: Vote | null, after: Vote | null, paper: TermVector): ProfileChange {
	const [likedBefore, dislikedBefore] = side(before);
	const [likedAfter, dislikedAfter] = side(after);
	const liked = likedAfter - likedBefore;
	const disliked = dislikedAfter - dislikedBefore;
	if (!liked && !disliked) return { liked: 0, disliked: 0, terms: [] };
	const weights = paper.weights;
	return {
		liked,
		disliked,
		terms: paper.terms.map((term, i) => [term, liked * (weights[i] ?? 0), disliked * (weights[i] ?? 0)] as const),
	};
}

type Sums = Map<string, readonly [liked: number, disliked: number]>;

function addInto(sums: Sums, change: ProfileChange): void {
	for (const [term, liked, disliked] of change.terms) {
		const [l, d] = sums.get(term) ?? [0, 0];
		if (l + liked || d + disliked) sums.set(term, [l + liked, d + disliked]);
		else sums.delete(term);
	}
}

/** The profile after a change; the input is left as it was. */
export function applyProfileChange(profile: Profile, change: ProfileChange): Profile {
	if (!change.terms.length && !change.liked && !change.disliked) return profile;
	const sums = new Map(profile.sums);
	addInto(sums, change);
	return { liked: profile.liked + change.liked, disliked: profile.disliked + change.disliked, sums };
}

/** The profile of a set of votes, built from nothing (what the increments must always equal). */
export function profileOf(votes: Iterable<{ vote: Vote; terms: TermVector }>): Profile {
	const sums: Sums = new Map();
	let liked = 0;
	let disliked = 0;
	for (const { vote, terms } of votes) {
		const change = voteChange(null, vote, terms);
		addInto(sums, change);
		liked += change.liked;
		disliked += change.disliked;
	}
	return { liked, disliked, sums };
}

export interface ProfileQueryOptions {
	/** Rocchio's alpha and beta: the weight of the liked papers' mean, and of the disliked papers'. */
	likedWeight: number;
	dislikedWeight: number;
	/** How many terms with a positive weight the query keeps, and how many with a negative one. */
	size: number;
	negativeSize: number;
}

export const defaultProfileQueryOptions: ProfileQueryOptions = {
	likedWeight: 1,
	dislikedWeight: 0.5,
	size: 40,
	negativeSize: 10,
};

/**
 * The query a profile scores candidates with: alpha·mean(liked) − beta·mean(disliked) per
 * term, its heaviest positive and negative terms, scaled to length 1000. Empty when the
 * reader likes nothing: dislikes alone recommend nothing.
 */
export function profileQuery(profile: Profile, options: ProfileQueryOptions = defaultProfileQueryOptions): TermVector {
	if (!profile.liked) return emptyVector;
	const positive: TermWeight[] = [];
	const negative: TermWeight[] = [];
	for (const [term, [liked, disliked]] of profile.sums) {
		const weight =
			(options.likedWeight * liked) / profile.liked -
			(profile.disliked ? (options.dislikedWeight * disliked) / profile.disliked : 0);
		if (weight > 0) positive.push([term, weight]);
		else if (weight < 0) negative.push([term, weight]);
	}
	const heaviest = (list: TermWeight[], size: number) => list.sort(heaviestFirst).slice(0, size);
	return topScaled([...heaviest(positive, options.size), ...heaviest(negative, options.negativeSize)], Infinity);
}
