/**
 * Synthetic but realistic data for the digest benchmark: a week of ML papers (~150-word
 * abstracts built from the same topic vocabulary readers pick from) and readers with
 * 1-10 keywords drawn Zipf-like from ~500 topics. Deterministic for a seed.
 */
import { insertVotes, type VoteRow } from "../src/core/db/paper-votes.ts";
import { listPaperTerms, upsertPapers } from "../src/core/db/papers.ts";
import { writeProfile } from "../src/core/db/reader-profiles.ts";
import { listReaders } from "../src/core/db/subscribers.ts";
import type { Deps } from "../src/core/deps.ts";
import { derivePaperData } from "../src/core/papers/derived-data.ts";
import type { NewPaper } from "../src/core/papers/paper.ts";
import { profileOf, profileQuery, type Vote } from "../src/core/recommend/profile.ts";
import { emptyVector } from "../src/core/recommend/term-vector.ts";
import { commitWeights, weighNewPapers } from "../src/core/recommend/weigh-papers.ts";
import { type ImportRow, importReaders } from "../src/core/subscriptions/import.ts";

/** mulberry32: small, fast, good enough for synthetic data. */
export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Draws indexes 0..n-1 with P(i) proportional to 1 / (i + 1)^s (Zipf). */
export function zipf(n: number, s: number, random: () => number): () => number {
	const cumulative = new Float64Array(n);
	let total = 0;
	for (let i = 0; i < n; i++) {
		total += 1 / (i + 1) ** s;
		cumulative[i] = total;
	}
	return () => {
		const x = random() * total;
		let lo = 0;
		let hi = n - 1;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	};
}

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)] as T;

// Subject areas as readers type them: phrases and single words.
const subjects = [
	"large language models",
	"diffusion models",
	"reinforcement learning",
	"transformers",
	"graph neural networks",
	"state space models",
	"mixture of experts",
	"vision transformers",
	"retrieval-augmented generation",
	"in-context learning",
	"instruction tuning",
	"preference optimization",
	"chain of thought",
	"reasoning",
	"agents",
	"world models",
	"reward models",
	"quantization",
	"pruning",
	"knowledge distillation",
	"low-rank adaptation",
	"speculative decoding",
	"long context",
	"scaling laws",
	"synthetic data",
	"multimodal models",
	"vision language models",
	"text-to-speech",
	"speech recognition",
	"music generation",
	"video generation",
	"image generation",
	"code generation",
	"question answering",
	"machine translation",
	"summarization",
	"recommendation",
	"time series forecasting",
	"knowledge graphs",
	"federated learning",
	"contrastive learning",
	"self-supervised learning",
	"meta-learning",
	"continual learning",
	"active learning",
	"domain adaptation",
	"few-shot learning",
	"zero-shot learning",
	"robotics",
	"motion planning",
	"point clouds",
	"3D reconstruction",
	"neural radiance fields",
	"gaussian splatting",
	"pose estimation",
	"depth estimation",
	"optical flow",
	"object detection",
	"semantic segmentation",
	"medical imaging",
	"protein structure prediction",
	"drug discovery",
	"molecular generation",
	"weather forecasting",
	"anomaly detection",
	"causal inference",
	"uncertainty estimation",
	"calibration",
	"interpretability",
	"mechanistic interpretability",
	"adversarial robustness",
	"differential privacy",
	"watermarking",
	"hallucination",
	"alignment",
	"red teaming",
	"jailbreak attacks",
	"sparse attention",
	"linear attention",
	"positional encoding",
	"tokenization",
	"data curation",
	"data augmentation",
	"neural operators",
	"physics-informed neural networks",
	"bayesian optimization",
	"gaussian processes",
	"variational inference",
	"kernel methods",
	"multi-armed bandits",
	"offline reinforcement learning",
	"imitation learning",
	"multi-agent systems",
	"game theory",
	"neural architecture search",
	"stochastic gradient descent",
	"generalization bounds",
	"optimal transport",
	"flow matching",
	"score matching",
	"energy-based models",
	"tool use",
	"web agents",
	"embodied agents",
	"tabular data",
	"information extraction",
	"named entity recognition",
	"sentiment analysis",
	"dialogue systems",
	"fairness",
	"explainability",
	"autoencoders",
	"normalizing flows",
	"hypernetworks",
	"equivariance",
	"spiking neural networks",
	"neuromorphic computing",
	"edge devices",
	"compression",
	"benchmark",
	"evaluation",
	"survey",
	"robustness",
	"efficiency",
	"privacy",
	"security",
	"LLM",
	"RLHF",
	"CLIP",
	"GAN",
	"NeRF",
	"Mamba",
	"LoRA",
	"BERT",
	"GPT",
	"ViT",
];

const modifiers = [
	"efficient",
	"sparse",
	"robust",
	"scalable",
	"multilingual",
	"hierarchical",
	"probabilistic",
	"federated",
	"interpretable",
	"lightweight",
	"distributed",
	"adaptive",
	"equivariant",
	"bayesian",
	"latent",
	"causal",
	"continual",
	"decentralized",
	"differentiable",
	"open-vocabulary",
];

const heads = [
	"transformers",
	"diffusion models",
	"language models",
	"graph neural networks",
	"reinforcement learning",
	"attention",
	"retrieval",
	"agents",
	"embeddings",
	"optimization",
	"inference",
	"fine-tuning",
	"pretraining",
	"planning",
	"representation learning",
	"world models",
	"reward modeling",
	"decoding",
	"segmentation",
	"generative models",
];

/**
 * ~500 topics, most common first: hand-written subject areas, then modifier + head
 * phrases, and a few `a OR b` keywords.
 */
export function topicVocabulary(random: () => number, size = 500): string[] {
	const topics = [...subjects];
	const seen = new Set(topics.map((t) => t.toLowerCase()));
	const combos = modifiers.flatMap((m) => heads.map((h) => `${m} ${h}`));
	// A deterministic shuffle, so the phrase topics interleave with the subjects by rank.
	for (let i = combos.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[combos[i], combos[j]] = [combos[j] as string, combos[i] as string];
	}
	for (const combo of combos) {
		if (topics.length >= size - 12) break;
		if (!seen.has(combo)) {
			seen.add(combo);
			topics.push(combo);
		}
	}
	for (let i = 0; topics.length < size; i++) {
		topics.push(`${subjects[i * 2] ?? "transformers"} OR ${subjects[i * 2 + 1] ?? "diffusion models"}`);
	}
	// Mix by a random rank so the Zipf head holds phrases and single words alike.
	const ranked = topics.map((t) => ({ t, r: random() }));
	ranked.sort((a, b) => a.r - b.r);
	return ranked.map((x) => x.t);
}

const fillerSentences = [
	"Existing approaches struggle to scale beyond small settings and rely on costly supervision.",
	"We evaluate on a broad set of benchmarks and report consistent gains over strong baselines.",
	"Our analysis reveals that the learned representations capture structure that prior work misses.",
	"Extensive ablations isolate the contribution of each component of the proposed framework.",
	"The method requires no additional training data and adds negligible computational overhead.",
	"Theoretical results establish convergence under mild assumptions on the loss landscape.",
	"We release code, model weights and an evaluation suite to support reproducible research.",
	"Experiments on real-world datasets show improvements of up to 12% in accuracy.",
	"Compared with previous state-of-the-art systems, our approach reduces memory use by half.",
	"We further provide a detailed error analysis and discuss limitations and future directions.",
	"The proposed objective is simple to implement and compatible with standard training pipelines.",
	"Human evaluation confirms that outputs are preferred in a majority of pairwise comparisons.",
	"Our results suggest that careful data selection matters more than model size in this regime.",
	"A complexity of $O(n \\log n)$ makes the approach practical for sequences of a million tokens.",
	"Surprisingly, a single hyperparameter controls the trade-off between quality and latency.",
	"We identify failure modes where performance degrades sharply & propose simple remedies.",
];

const claimTemplates = [
	"We propose a novel approach to {a} that leverages recent advances in {b}.",
	"This paper studies {a} through the lens of {b} and identifies a key bottleneck.",
	"We introduce a framework that unifies {a} and {b} under a single objective.",
	"Recent work on {a} has shown promise, yet its interaction with {b} remains poorly understood.",
	"We show that {a} can be made substantially cheaper by borrowing ideas from {b}.",
	"Building on {a}, we design a training recipe tailored to {b}.",
];

const titleTemplates = [
	"{A} for {B}",
	"Rethinking {A}: Lessons from {B}",
	"Towards Scalable {A} with {B}",
	"When Does {A} Help {B}?",
	"{A} Meets {B}: A Unified View",
	"On the Limits of {A} in {B}",
	"Efficient {A} via {B}",
	"Learning {A} without Labels: {B} at Scale",
];

const givenNames = [
	"Wei",
	"Anna",
	"Rahul",
	"Sofia",
	"Kenji",
	"Maria",
	"David",
	"Li",
	"Fatima",
	"Lukas",
	"Chen",
	"Aisha",
	"Pablo",
	"Yuki",
	"Olga",
	"Tom",
];
const familyNames = [
	"Zhang",
	"Müller",
	"Patel",
	"García",
	"Tanaka",
	"Rossi",
	"Kim",
	"Wang",
	"Nguyen",
	"Okafor",
	"Smith",
	"Ivanova",
	"Silva",
	"Cohen",
	"Larsen",
	"O'Brien",
];

// arXiv categories, most common first: a paper's primary is drawn Zipf-like, cross-lists uniformly.
const categories = ["cs.LG", "cs.CL", "cs.CV", "cs.AI", "stat.ML", "cs.RO", "cs.IR", "cs.CR", "eess.AS", "q-bio.QM"];

// Acronyms papers define and then use; readers of the field-topic mix ask for them.
const acronyms: readonly (readonly [string, string])[] = [
	["LLM", "large language models"],
	["MoE", "mixture of experts"],
	["SSM", "state space models"],
	["RAG", "retrieval-augmented generation"],
	["ViT", "vision transformers"],
	["LoRA", "low-rank adaptation"],
	["RL", "reinforcement learning"],
	["GNN", "graph neural networks"],
	["CoT", "chain of thought"],
	["VLM", "vision language models"],
	["KD", "knowledge distillation"],
	["PEFT", "parameter-efficient fine-tuning"],
];

// Keywords like "a OR b" are written as their first alternative inside paper text.
const plain = (topic: string) => topic.split(" OR ")[0] ?? topic;
const titleCase = (s: string) => s.replace(/\b\w/g, (c) => c.toUpperCase());

export interface GeneratedPaper extends NewPaper {}

/**
 * Papers first seen in the `hours` before `now` (the week, by default), each about a few
 * Zipf-drawn topics, with arXiv categories; a third define an acronym and use it.
 */
export function generatePapers(count: number, seed: number, now: Date, hours = 6 * 24): GeneratedPaper[] {
	const random = rng(seed);
	const topics = topicVocabulary(rng(seed ^ 0x5eed));
	const draw = zipf(topics.length, 0.9, random);
	const drawCategory = zipf(categories.length, 1.0, random);
	const papers: GeneratedPaper[] = [];
	for (let i = 0; i < count; i++) {
		const about = Array.from({ length: 3 + Math.floor(random() * 4) }, () => plain(topics[draw()] ?? ""));
		const [a = "", b = "", ...more] = about;
		const title = pick(titleTemplates, random).replace("{A}", titleCase(a)).replace("{B}", titleCase(b));
		const sentences: string[] = [pick(claimTemplates, random).replace("{a}", a).replace("{b}", b)];
		for (const topic of more) sentences.push(`We also connect our findings to ${topic}.`);
		if (random() < 0.33) {
			const [short, long] = pick(acronyms, random);
			sentences.push(`Our method builds on ${long} (${short}).`, `The ${short} variant scales to larger settings.`);
		}
		while (sentences.join(" ").split(" ").length < 140) sentences.push(pick(fillerSentences, random));
		if (random() < 0.05) sentences.push("Results on <b>held-out</b> tasks are in the appendix.");
		const id = `${2611 + Math.floor(i / 90_000)}.${String(10000 + (i % 90_000)).padStart(5, "0")}`;
		const addedAt = new Date(now.getTime() - (1 + random() * hours) * 3600_000).toISOString();
		const primary = categories[drawCategory()] ?? "cs.LG";
		const listed = [primary, ...categories.filter((c) => c !== primary && random() < 0.1)];
		const authors = Array.from(
			{ length: 2 + Math.floor(random() * 7) },
			() => `${pick(givenNames, random)} ${pick(familyNames, random)}`,
		);
		const hasCode = random() < 0.4;
		papers.push({
			id,
			title,
			abstract: sentences.join(" "),
			authors,
			categories: listed,
			publishedAt: new Date(Date.parse(addedAt) - 86_400_000).toISOString(),
			addedAt,
			updatedAt: addedAt,
			upvotes: Math.floor(300 * random() ** 4),
			comments: null,
			source: "bench",
			absUrl: `https://arxiv.org/abs/${id}`,
			pdfUrl: `https://arxiv.org/pdf/${id}`,
			hfUrl: random() < 0.7 ? `https://huggingface.co/papers/${id}` : null,
			codeUrl: hasCode ? `https://github.com/lab${i % 97}/project-${i}` : null,
			codeStars: hasCode ? Math.floor(2000 * random() ** 3) : null,
			projectUrl: random() < 0.15 ? `https://lab${i % 97}.github.io/project-${i}/` : null,
			thumbnailUrl: null,
			aiSummary: null,
			aiKeywords: null,
		});
	}
	return papers;
}

const exclusions = ["-survey", "-benchmark", '-"medical imaging"'];

/** A topic of the field: an author, a category (alone or with words), or an acronym. */
function fieldTopic(kind: "author" | "category" | "acronym", random: () => number, topics: readonly string[]): string {
	if (kind === "author") {
		const family = pick(familyNames, random);
		return random() < 0.3 ? `author:${family}` : `author:"${pick(givenNames, random)} ${family}"`;
	}
	if (kind === "category") {
		const r = random();
		if (r < 0.5) return `cat:${pick(categories, random)}`;
		if (r < 0.7) return "cat:cs.*";
		return `cat:${pick(categories, random)} ${plain(pick(topics.slice(0, 50), random))}`;
	}
	return pick(acronyms, random)[0];
}

/**
 * Readers' keyword fields: 1-10 Zipf-drawn topics, a few with an exclusion; with `fieldMix`
 * (0.1: a tenth each), readers also get an author, a category and an acronym topic.
 */
export function generateReaderKeywords(count: number, seed: number, fieldMix = 0): string[] {
	const random = rng(seed ^ 0xbeef);
	const topics = topicVocabulary(rng(seed ^ 0x5eed));
	const draw = zipf(topics.length, 1.0, random);
	const result: string[] = [];
	for (let i = 0; i < count; i++) {
		// Most readers type a few topics; some type many.
		const wanted = 1 + Math.min(9, Math.floor(10 * random() ** 1.6));
		const chosen = new Set<string>();
		for (let tries = 0; chosen.size < wanted && tries < 50; tries++) chosen.add(topics[draw()] ?? "");
		const keywords = [...chosen];
		if (random() < 0.01) keywords.push(pick(exclusions, random));
		for (const kind of ["author", "category", "acronym"] as const) {
			if (random() < fieldMix) keywords.push(fieldTopic(kind, random, topics));
		}
		result.push([...new Set(keywords)].join(", "));
	}
	return result;
}

export const readerEmail = (i: number) => `reader${i}@bench.example.org`;

/** Fills a migrated database: papers straight into the table, readers the way `paperboy import` adds them. */
export async function generateDatabase(
	deps: Deps,
	options: {
		readers: number;
		papers: number;
		seed: number;
		now: Date;
		fieldMix?: number;
		/** The share of readers holding a profile of 10 liked and 3 disliked papers. */
		profileShare?: number;
		progress?: (line: string) => void;
	},
): Promise<{ topics: string[] }> {
	await storeGeneratedPapers(deps, generatePapers(options.papers, options.seed, options.now));
	const keywords = generateReaderKeywords(options.readers, options.seed, options.fieldMix);
	const chunk = 10_000;
	for (let start = 0; start < options.readers; start += chunk) {
		const rows: ImportRow[] = [];
		for (let i = start; i < Math.min(options.readers, start + chunk); i++) {
			rows.push({ line: i + 2, email: readerEmail(i), keywords: keywords[i] ?? "" });
		}
		await importReaders(deps, rows);
		options.progress?.(`readers: ${Math.min(options.readers, start + chunk)}/${options.readers}`);
	}
	if (options.profileShare) {
		const share = options.profileShare;
		const count = await generateProfiles(deps, { share, liked: 10, disliked: 3, seed: options.seed, now: options.now });
		options.progress?.(`profiles: ${count} readers hold 10 liked and 3 disliked papers`);
	}
	return { topics: topicVocabulary(rng(options.seed ^ 0x5eed)) };
}

/**
 * Stores generated papers as ingest would (derived data computed, lookups filled by the
 * triggers), in the order they were first seen: row numbers follow time, as they do when
 * papers come in day by day.
 */
export async function storeGeneratedPapers(deps: Pick<Deps, "db">, papers: readonly GeneratedPaper[]): Promise<void> {
	const inOrder = [...papers].sort((a, b) => (a.addedAt < b.addedAt ? -1 : a.addedAt > b.addedAt ? 1 : 0));
	// Weighed for the recommender as ingest does (recommend/weigh-papers.ts), as one batch.
	const weighed = await weighNewPapers(deps.db, inOrder);
	await upsertPapers(
		deps.db,
		inOrder.map((p, i) => ({ ...p, ...derivePaperData(p), topTerms: weighed.terms[i] ?? null })),
	);
	await commitWeights(deps.db, weighed);
}

/**
 * Gives a share of the readers a profile of `liked` 👍 and `disliked` 👎 papers drawn at
 * random from the stored ones (issue 13's benchmark: 20% of readers, 10 and 3): the votes
 * in bulk, each profile as a vote would leave it (profileOf, profileQuery).
 */
export async function generateProfiles(
	deps: Pick<Deps, "db">,
	options: { share: number; liked: number; disliked: number; seed: number; now: Date },
): Promise<number> {
	const random = rng(options.seed ^ 0x11ced);
	const papers = await listPaperTerms(deps.db);
	const readers = await listReaders(deps.db);
	const at = options.now.toISOString();
	const terms = new Map(papers.map((p) => [p.num, p.terms]));
	let profiles = 0;
	const votes: VoteRow[] = [];
	for (const reader of readers) {
		if (random() >= options.share) continue;
		const chosen = new Map<number, Vote>();
		while (chosen.size < options.liked + options.disliked) {
			const paper = papers[Math.floor(random() * papers.length)];
			if (paper && !chosen.has(paper.num)) chosen.set(paper.num, chosen.size < options.liked ? "like" : "dislike");
		}
		const profile = profileOf([...chosen].map(([num, vote]) => ({ vote, terms: terms.get(num) ?? emptyVector })));
		for (const [paperNum, vote] of chosen) votes.push({ readerId: reader.id, paperNum, vote, source: "vote", at });
		// Votes of one instant, newest first as listVotedPapers gives them: by paper number, highest first.
		const voted = [...chosen].map(([paperNum, vote]) => ({ paperNum, vote })).sort((a, b) => b.paperNum - a.paperNum);
		await writeProfile(deps.db, { readerId: reader.id, query: profileQuery(profile), voted, fromVersion: 0, at });
		profiles++;
	}
	await insertVotes(deps.db, votes);
	return profiles;
}
