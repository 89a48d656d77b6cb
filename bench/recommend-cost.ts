/**
 * What "Close to papers you liked" costs a weekly run: 2,000 candidate papers and 20,000
 * readers holding a profile of 10 liked and 3 disliked papers (the 20% of 100,000 readers
 * issue 13 names), with the real code of src/core/recommend/.
 *
 *   node --expose-gc --import tsx bench/recommend-cost.ts [--readers 20000] [--papers 2000]
 *        [--history 20000] [--sizes 20,30,40] [--naive-sample 300] [--seed 1]
 *
 * Papers come from bench/generate.ts (the digest benchmark's synthetic week, ~150-word
 * abstracts over ~500 topics): a history of earlier papers the readers voted on, and the
 * week's candidates. Each reader likes 10 history papers on one Zipf-drawn topic and
 * dislikes 3 at random, one vote at a time. Per paper-term count K it times: document
 * frequencies and top terms at ingest, the votes, the stored profiles' queries read back,
 * indexing the candidates, searching for every reader (each excluding 20 papers their
 * topics matched) and the reasons for what was found; and, on a sample, the naive way: every
 * reader's query against every candidate. Prints a table and, last, one JSON line; writes
 * the JSON to bench/results/. Times are this process's CPU time, so that other work on a
 * shared machine does not count, after a garbage collection (with --expose-gc); each phase
 * of the weekly run is timed three times and the least is kept.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
	CandidateIndex,
	defaultMinScore,
	defaultSearchBudget,
	type PaperTermVector,
} from "../src/core/recommend/candidate-index.ts";
import { applyDocFreqChange, docFreqChange } from "../src/core/recommend/doc-freq.ts";
import {
	decodePaperTerms,
	defaultPaperTermOptions,
	encodePaperTerms,
	topTermsOf,
} from "../src/core/recommend/paper-terms.ts";
import {
	applyProfileChange,
	emptyProfile,
	type Profile,
	profileOf,
	profileQuery,
	voteChange,
} from "../src/core/recommend/profile.ts";
import { decodeTermVector, emptyVector, encodeTermVector, pairsOf } from "../src/core/recommend/term-vector.ts";
import { generatePapers, rng, topicVocabulary, zipf } from "./generate.ts";
import { loadCorpus } from "./relevance/corpus.ts";

const { values: flags } = parseArgs({
	options: {
		readers: { type: "string", default: "20000" },
		papers: { type: "string", default: "2000" },
		history: { type: "string", default: "20000" },
		sizes: { type: "string", default: "20,30,40" },
		"naive-sample": { type: "string", default: "300" },
		seed: { type: "string", default: "1" },
	},
});
const int = (name: string, value: string): number => {
	const n = Number(value.replaceAll("_", ""));
	if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
	return n;
};
const readerCount = int("readers", flags.readers);
const paperCount = int("papers", flags.papers);
const historyCount = int("history", flags.history);
const naiveSample = Math.min(int("naive-sample", flags["naive-sample"]), readerCount);
const seed = int("seed", flags.seed);
const sizes = flags.sizes.split(",").map((s) => int("sizes", s));
const voteSample = Math.min(1000, readerCount);
const progress = (line: string) => process.stderr.write(`${line}\n`);

interface PaperText {
	id: string;
	title: string;
	abstract: string;
}

interface Dataset {
	name: string;
	history: PaperText[];
	candidates: PaperText[];
	/** Per reader: the history papers liked and disliked, and the candidates their topics matched. */
	readers: { liked: number[]; disliked: number[]; matched: Set<string> }[];
}

const random = rng(seed ^ 0xfeed);
const pickFrom = (list: readonly number[]) => list[Math.floor(random() * list.length)] as number;

function readersOf(
	history: readonly PaperText[],
	candidates: readonly PaperText[],
	likedTogether: () => readonly number[],
): Dataset["readers"] {
	return Array.from({ length: readerCount }, () => {
		const about = likedTogether();
		const liked = new Set<number>();
		while (liked.size < 10) liked.add(pickFrom(about));
		const disliked = new Set<number>();
		while (disliked.size < 3) {
			const i = Math.floor(random() * history.length);
			if (!liked.has(i)) disliked.add(i);
		}
		const matched = new Set<string>();
		while (matched.size < 20) matched.add(candidates[Math.floor(random() * candidates.length)]?.id ?? "");
		return { liked: [...liked], disliked: [...disliked], matched };
	});
}

/**
 * The digest benchmark's synthetic week (generate.ts): its ~500 topics are phrases over 320
 * words, and 16 filler sentences fill every abstract, so every term is in hundreds of
 * papers' top terms: the worst case for an index by term. Each reader likes papers that
 * name one Zipf-drawn topic.
 */
function generated(): Dataset {
	const now = new Date("2026-12-01T08:00:00Z");
	const candidates = generatePapers(paperCount, seed, now);
	const history = generatePapers(historyCount, seed + 1, new Date(now.getTime() - 30 * 86_400_000)).map((p) => ({
		...p,
		id: `h${p.id}`,
	}));
	const topics = topicVocabulary(rng(seed ^ 0x5eed)).map((t) => (t.split(" OR ")[0] ?? t).toLowerCase());
	const papersAbout = topics.map((topic) =>
		history.flatMap((p, i) => (`${p.title} ${p.abstract}`.toLowerCase().includes(topic) ? [i] : [])),
	);
	const drawTopic = zipf(topics.length, 1.0, random);
	const likedTogether = () => {
		let about = papersAbout[drawTopic()] ?? [];
		while (about.length < 10) about = papersAbout[drawTopic()] ?? [];
		return about;
	};
	return { name: "generated", history, candidates, readers: readersOf(history, candidates, likedTogether) };
}

/**
 * Real abstracts at the week's size: the relevance corpus (bench/relevance/corpus.ts, 227
 * real papers) repeated until there are as many candidates, and again as the history. Every
 * term's postings are as long as in a week of such papers; each reader likes 10 at random.
 */
function realText(): Dataset {
	const corpus = loadCorpus();
	const repeat = (count: number, prefix: string) =>
		Array.from({ length: count }, (_, i) => {
			const paper = corpus[i % corpus.length] as PaperText;
			return { id: `${prefix}${i}`, title: paper.title, abstract: paper.abstract };
		});
	const history = repeat(historyCount, "h");
	const candidates = repeat(paperCount, "c");
	const all = history.map((_, i) => i);
	return { name: "real text", history, candidates, readers: readersOf(history, candidates, () => all) };
}

// CPU time of this process (user + system), in ms: other work on a shared machine does not count.
const cpuMs = () => {
	const { user, system } = process.cpuUsage();
	return (user + system) / 1000;
};
const gc = (globalThis as { gc?: () => void }).gc;
const time = <T>(run: () => T): [T, number] => {
	gc?.();
	const start = cpuMs();
	const result = run();
	return [result, cpuMs() - start];
};
/** The least CPU time of three runs: the weekly run's phases, which can be repeated. */
const best = <T>(run: () => T): [T, number] => {
	let fastest = time(run);
	for (let i = 1; i < 3; i++) {
		const next = time(run);
		if (next[1] < fastest[1]) fastest = next;
	}
	return fastest;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function measure({ name, history, candidates, readers }: Dataset, size: number, budget: number) {
	const label = `${name}, K=${size}, budget ${budget}`;
	progress(`${label}: ingest`);
	// Ingest: the whole corpus's document frequencies first, then each paper's top terms, stored as JSON.
	const docFreq = new Map<string, number>();
	const [docCount, docFreqMs] = time(() => applyDocFreqChange(docFreq, 0, docFreqChange([...history, ...candidates])));
	const options = { ...defaultPaperTermOptions, size };
	const [storedHistory, historyTermsMs] = time(() =>
		history.map((p) => encodePaperTerms(topTermsOf(p, docFreq, docCount, options))),
	);
	const storedCandidates = candidates.map((p) => encodePaperTerms(topTermsOf(p, docFreq, docCount, options)));
	const historyTerms = storedHistory.map((text) => decodePaperTerms(text).terms);

	progress(`${label}: votes`);
	// Votes, timed on the first readers: each applies one increment and stores the new query.
	// Every reader's query as stored after their last vote.
	const votesOf = (reader: Dataset["readers"][number]) => [
		...reader.liked.map((i) => ({ vote: "like" as const, terms: historyTerms[i] ?? emptyVector })),
		...reader.disliked.map((i) => ({ vote: "dislike" as const, terms: historyTerms[i] ?? emptyVector })),
	];
	const timedReaders = readers.slice(0, voteSample);
	const [, votesMs] = time(() =>
		timedReaders.map((reader) => {
			let profile: Profile = emptyProfile;
			let query = "";
			for (const { vote, terms } of votesOf(reader)) {
				profile = applyProfileChange(profile, voteChange(null, vote, terms));
				query = encodeTermVector(profileQuery(profile));
			}
			return query;
		}),
	);
	const storedQueries = readers.map((reader) => encodeTermVector(profileQuery(profileOf(votesOf(reader)))));

	progress(`${label}: the weekly run`);
	// The weekly run: read the candidates' terms and the readers' queries, index, search, explain.
	const [index, indexMs] = best(
		() =>
			new CandidateIndex(
				storedCandidates.map((text, i) => ({ id: candidates[i]?.id ?? "", vector: decodePaperTerms(text).terms })),
			),
	);
	const [queries, readMs] = best(() => storedQueries.map(decodeTermVector));
	const [picks, searchMs] = best(() =>
		readers.map((reader, r) =>
			index.search(queries[r] ?? emptyVector, { limit: 5, minScore: defaultMinScore, exclude: reader.matched, budget }),
		),
	);
	// Reasons: the liked papers of readers who got recommendations, each paper's stored terms
	// decoded once for the run.
	const [liked, likedMs] = best(() => {
		const decoded = new Map<number, PaperTermVector>();
		const likedOf = (i: number) => {
			let paper = decoded.get(i);
			if (!paper) {
				paper = { id: history[i]?.id ?? "", vector: decodePaperTerms(storedHistory[i] ?? "").terms };
				decoded.set(i, paper);
			}
			return paper;
		};
		return readers.map((reader, r) => (picks[r]?.length ? reader.liked.map(likedOf) : []));
	});
	const [, reasonsMs] = best(() =>
		picks.forEach((found, r) => {
			index.closestLiked(
				found.map((pick) => pick.paperId),
				liked[r] ?? [],
			);
		}),
	);

	progress(`${label}: the naive way on ${naiveSample} readers`);
	// The naive way: each reader's query (looked up in a Map) against every candidate's terms.
	const candidateList = storedCandidates.map((text) => decodePaperTerms(text).terms);
	const [, naiveMs] = best(() => {
		for (let r = 0; r < naiveSample; r++) {
			const query = new Map(pairsOf(queries[r] ?? emptyVector));
			const scores = candidateList.map(({ terms, weights }) => {
				let sum = 0;
				terms.forEach((term, i) => {
					sum += (weights[i] ?? 0) * (query.get(term) ?? 0);
				});
				return sum;
			});
			scores.sort((a, b) => b - a);
		}
	});
	const naiveAllMs = (naiveMs / naiveSample) * readerCount;
	const found = picks.filter((p) => p.length > 0).length;
	const weeklyMs = indexMs + readMs + searchMs + likedMs + reasonsMs;
	return {
		data: name,
		paper_terms: size,
		search_budget: budget,
		ingest: {
			papers: docCount,
			distinct_terms: docFreq.size,
			doc_freq_ms: round(docFreqMs),
			top_terms_us_per_paper: round((historyTermsMs / history.length) * 1000),
			stored_bytes_per_paper: round(storedHistory.reduce((n, t) => n + t.length, 0) / history.length, 0),
		},
		votes: {
			timed_votes: timedReaders.length * 13,
			us_per_vote_with_query: round((votesMs / (timedReaders.length * 13)) * 1000, 2),
			stored_query_bytes_per_reader: round(storedQueries.reduce((n, t) => n + t.length, 0) / readerCount, 0),
		},
		weekly: {
			index_candidates_ms: round(indexMs),
			read_queries_ms: round(readMs),
			search_ms: round(searchMs),
			read_liked_ms: round(likedMs),
			reasons_ms: round(reasonsMs),
			total_ms: round(weeklyMs),
			query_terms_per_reader: round(index.work.queryTerms / index.work.searches, 1),
			postings_per_reader: round(index.work.postings / index.work.searches, 0),
			skipped_terms_per_reader: round(index.work.skippedTerms / index.work.searches, 1),
			readers_with_picks: found,
			picks_per_reader_with_picks: round(picks.reduce((n, p) => n + p.length, 0) / Math.max(found, 1), 2),
		},
		naive: {
			sample: naiveSample,
			extrapolated_ms: round(naiveAllMs),
			dot_products: readerCount * candidates.length,
			vs_index: round(naiveAllMs / searchMs),
		},
	};
}

const datasets = [realText(), generated()];
const runs = datasets.flatMap((data) => [
	...sizes.map((size) => measure(data, size, defaultSearchBudget)),
	measure(data, defaultPaperTermOptions.size, Number.POSITIVE_INFINITY),
]);
const result = {
	bench: "recommend cost",
	readers: readerCount,
	candidates: paperCount,
	history: historyCount,
	profile: { liked: 10, disliked: 3 },
	runs,
	date: new Date().toISOString(),
	machine: {
		cores: cpus().length,
		cpu: cpus()[0]?.model ?? "",
		memory_gb: round(totalmem() / 2 ** 30),
		node: process.version,
	},
};

const rows = [
	["data", ...runs.map((r) => r.data)],
	["K (terms per paper)", ...runs.map((r) => String(r.paper_terms))],
	["search budget", ...runs.map((r) => String(r.search_budget))],
	["stored bytes per paper", ...runs.map((r) => String(r.ingest.stored_bytes_per_paper))],
	["top terms per paper", ...runs.map((r) => `${r.ingest.top_terms_us_per_paper} us`)],
	["one vote (+ new query)", ...runs.map((r) => `${r.votes.us_per_vote_with_query} us`)],
	["index candidates", ...runs.map((r) => `${r.weekly.index_candidates_ms} ms`)],
	["read readers' queries", ...runs.map((r) => `${r.weekly.read_queries_ms} ms`)],
	["search all readers", ...runs.map((r) => `${r.weekly.search_ms} ms`)],
	["read liked papers' terms", ...runs.map((r) => `${r.weekly.read_liked_ms} ms`)],
	["reasons", ...runs.map((r) => `${r.weekly.reasons_ms} ms`)],
	["weekly total", ...runs.map((r) => `${r.weekly.total_ms} ms`)],
	["postings per reader", ...runs.map((r) => String(r.weekly.postings_per_reader))],
	["terms skipped per reader", ...runs.map((r) => String(r.weekly.skipped_terms_per_reader))],
	["readers with picks", ...runs.map((r) => String(r.weekly.readers_with_picks))],
	["naive (extrapolated)", ...runs.map((r) => `${r.naive.extrapolated_ms} ms`)],
	["index vs naive", ...runs.map((r) => `${r.naive.vs_index}x faster`)],
];
console.log(`${readerCount} readers x ${paperCount} candidates, ${historyCount} earlier papers`);
for (const row of rows) console.log([(row[0] ?? "").padEnd(24), ...row.slice(1).map((c) => c.padStart(14))].join(""));
const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(
	`${dir}recommend-cost-${result.date.slice(0, 10)}-${readerCount}r-${paperCount}p-${result.machine.cores}cpu.json`,
	`${JSON.stringify(result, null, 2)}\n`,
);
console.log(JSON.stringify(result));
