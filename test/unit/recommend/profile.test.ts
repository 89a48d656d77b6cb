import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	applyProfileChange,
	defaultProfileQueryOptions,
	emptyProfile,
	type Profile,
	profileOf,
	profileQuery,
	type Vote,
	voteChange,
} from "../../../src/core/recommend/profile.ts";
import {
	decodeTermVector,
	encodeTermVector,
	pairsOf,
	type TermVector,
} from "../../../src/core/recommend/term-vector.ts";

const invalidPayload = expect.objectContaining({ name: "AppError", code: "invalid_payload" });

const vector = (pairs: [string, number][]): TermVector => ({
	terms: pairs.map(([t]) => t),
	weights: pairs.map(([, w]) => w),
});
const ssm = vector([
	["ssm", 800],
	["state", 600],
]);
const mamba = vector([
	["ssm", 600],
	["mamba", 800],
]);
const video = vector([
	["video", 800],
	["state", 600],
]);

const sumsOf = (profile: Profile) => Object.fromEntries(profile.sums);

describe("a vote's change to a profile", () => {
	it("adds a liked paper's weights to the liked sums", () => {
		expect(voteChange(null, "like", ssm)).toEqual({
			liked: 1,
			disliked: 0,
			terms: [
				["ssm", 800, 0],
				["state", 600, 0],
			],
		});
	});

	it("moves a paper from liked to disliked when the vote changes, and takes it out when undone", () => {
		expect(voteChange("like", "dislike", ssm)).toEqual({
			liked: -1,
			disliked: 1,
			terms: [
				["ssm", -800, 800],
				["state", -600, 600],
			],
		});
		expect(voteChange("dislike", null, ssm).terms).toEqual([
			["ssm", 0, -800],
			["state", 0, -600],
		]);
	});

	it("changes nothing when the vote stays (a repeated POST)", () => {
		expect(voteChange("like", "like", ssm)).toEqual({ liked: 0, disliked: 0, terms: [] });
		const profile = applyProfileChange(emptyProfile, voteChange(null, "like", ssm));
		expect(applyProfileChange(profile, voteChange("like", "like", ssm))).toBe(profile);
	});

	it("keeps per-term sums and drops a term once no vote holds it", () => {
		let profile = applyProfileChange(emptyProfile, voteChange(null, "like", ssm));
		profile = applyProfileChange(profile, voteChange(null, "like", mamba));
		expect(profile.liked).toBe(2);
		expect(sumsOf(profile)).toEqual({ ssm: [1400, 0], state: [600, 0], mamba: [800, 0] });
		profile = applyProfileChange(profile, voteChange("like", null, ssm));
		expect(sumsOf(profile)).toEqual({ ssm: [600, 0], mamba: [800, 0] });
	});
});

describe("a profile's query (Rocchio)", () => {
	it("is the liked papers' mean less half the disliked papers' mean, scaled to length 1000", () => {
		const profile = profileOf([
			{ vote: "like", terms: ssm },
			{ vote: "like", terms: mamba },
			{ vote: "dislike", terms: video },
		]);
		// ssm 1400/2 = 700; mamba 400; state 300 - 0.5 * 600 = 0; video -0.5 * 800 = -400
		// length sqrt(700² + 400² + 400²) = 900
		expect(pairsOf(profileQuery(profile))).toEqual([
			["ssm", 778],
			["mamba", 444],
			["video", -444],
		]);
	});

	it("keeps the heaviest positive and negative terms up to their limits", () => {
		const profile = profileOf([
			{ vote: "like", terms: ssm },
			{ vote: "dislike", terms: video },
		]);
		// ssm 800, state 600 - 300 = 300, video -400
		const query = profileQuery(profile, { ...defaultProfileQueryOptions, size: 1, negativeSize: 0 });
		expect(pairsOf(query)).toEqual([["ssm", 1000]]);
	});

	it("is stored as two JSON arrays and read back the same; anything else is refused", () => {
		const query = profileQuery(profileOf([{ vote: "like", terms: ssm }]));
		const text = encodeTermVector(query);
		expect(text).toBe('{"t":["ssm","state"],"w":[800,600]}');
		expect(decodeTermVector(text)).toEqual(query);
		for (const bad of [
			'{"t":["a"],"w":[]}',
			'{"t":[""],"w":[1]}',
			'{"t":["a"],"w":[1.5]}',
			'{"t":"a","w":1}',
			"null",
			"{",
		]) {
			expect(() => decodeTermVector(bad)).toThrow(invalidPayload);
		}
	});

	it("is empty for a reader who only dislikes: dislikes alone recommend nothing", () => {
		expect(profileQuery(profileOf([{ vote: "dislike", terms: video }]))).toEqual({ terms: [], weights: [] });
		expect(profileQuery(emptyProfile)).toEqual({ terms: [], weights: [] });
	});
});

describe("keeping a profile by increments", () => {
	const papers: TermVector[] = [
		ssm,
		mamba,
		video,
		vector([["robot", 1000]]),
		vector([
			["mamba", 300],
			["video", 954],
		]),
	];
	const votes: (Vote | null)[] = ["like", "dislike", null];

	it("ends where the final votes alone lead, whatever the order of votes, changes and undos", () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.nat(papers.length - 1), fc.constantFrom(...votes)), { maxLength: 40 }),
				(steps) => {
					const current = new Map<number, Vote>();
					let profile = emptyProfile;
					for (const [paper, vote] of steps) {
						profile = applyProfileChange(
							profile,
							voteChange(current.get(paper) ?? null, vote, papers[paper] as TermVector),
						);
						if (vote) current.set(paper, vote);
						else current.delete(paper);
					}
					const batch = profileOf([...current].map(([paper, vote]) => ({ vote, terms: papers[paper] as TermVector })));
					expect(profile.liked).toBe(batch.liked);
					expect(profile.disliked).toBe(batch.disliked);
					expect(sumsOf(profile)).toEqual(sumsOf(batch));
					expect(profileQuery(profile)).toEqual(profileQuery(batch));
				},
			),
			{ numRuns: 300 },
		);
	});
});
