import { describe, expect, it } from "vitest";
import { contentTermsOf, termSetOf } from "../../../src/core/recommend/content-terms.ts";
import { applyDocFreqChange, docFreqChange, inverseDocFreq } from "../../../src/core/recommend/doc-freq.ts";
import {
	decodePaperTerms,
	defaultPaperTermOptions,
	encodePaperTerms,
	topTermsOf,
} from "../../../src/core/recommend/paper-terms.ts";
import { pairsOf } from "../../../src/core/recommend/term-vector.ts";

const invalidPayload = expect.objectContaining({ name: "AppError", code: "invalid_payload" });

const diffusion = { title: "Diffusion models", abstract: "Diffusion for video." };
const video = { title: "Video transformers", abstract: "Transformers for video." };
const graphs = { title: "Graph networks", abstract: "Graph." };

function corpusOf(...papers: { title: string; abstract: string }[]) {
	const docFreq = new Map<string, number>();
	const docCount = applyDocFreqChange(docFreq, 0, docFreqChange(papers));
	return { docFreq, docCount };
}

describe("content terms", () => {
	it("drops stop words, self-description, lone characters and quantities, keeping subjects", () => {
		expect(
			contentTermsOf("We propose a novel approach: 3D Gaussian splatting of 65B models, 5x faster in 2024 (1st, e.g.)"),
		).toEqual(["3d", "gaussian", "splat", "model", "faster"]);
	});

	it("counts each term of a paper once for document frequency, title and abstract together", () => {
		expect(termSetOf(diffusion)).toEqual(new Set(["diffus", "model", "video"]));
	});
});

describe("document frequencies", () => {
	it("counts the papers that use each term and the papers in all", () => {
		const { docFreq, docCount } = corpusOf(diffusion, video, graphs);
		expect(docCount).toBe(3);
		expect(Object.fromEntries(docFreq)).toEqual({
			diffus: 1,
			model: 1,
			video: 2,
			transform: 1,
			graph: 1,
			network: 1,
		});
	});

	it("takes an edited paper as its old text removed and its new text added, dropping terms no paper uses", () => {
		const { docFreq, docCount } = corpusOf(diffusion, video);
		const edited = { title: "Diffusion transformers", abstract: "Diffusion." };
		const change = docFreqChange([edited], [diffusion]);
		expect(change).toEqual({
			docCount: 0,
			terms: new Map([
				["transform", 1],
				["model", -1],
				["video", -1],
			]),
		});
		expect(applyDocFreqChange(docFreq, docCount, change)).toBe(2);
		expect(Object.fromEntries(docFreq)).toEqual({ diffus: 1, video: 1, transform: 2 });
	});

	it("weighs rare terms above common ones and never below zero", () => {
		// BM25: ln(1 + (N - df + 0.5) / (df + 0.5))
		expect(inverseDocFreq(1, 3)).toBeCloseTo(Math.log(8 / 3), 12);
		expect(inverseDocFreq(2, 3)).toBeCloseTo(Math.log(1.6), 12);
		expect(inverseDocFreq(3, 3)).toBeGreaterThan(0);
		// a term the statistics do not know yet counts as used once
		expect(inverseDocFreq(undefined, 3)).toBe(inverseDocFreq(1, 3));
	});
});

describe("a paper's top terms", () => {
	const { docFreq, docCount } = corpusOf(diffusion, video, graphs);

	it("weighs saturated term frequency (title words twice) by inverse document frequency, scaled to length 1000", () => {
		// saturation with k1 = 5: tf * 6 / (tf + 5)
		// diffus: tf 2 + 1 = 3, sat 2.25,   idf ln(8/3) = 0.98083 -> 2.2069
		// model:  tf 2,         sat 1.7143,                       -> 1.6814
		// video:  tf 1,         sat 1,      idf ln(1.6) = 0.47    -> 0.4700
		// length 2.8140: 0.7843, 0.5975, 0.1670
		const paper = topTermsOf(diffusion, docFreq, docCount);
		expect(paper.docCount).toBe(3);
		expect(pairsOf(paper.terms)).toEqual([
			["diffus", 784],
			["model", 598],
			["video", 167],
		]);
	});

	it("keeps only the heaviest terms, scaled again", () => {
		// length of the first two 2.7744: 0.7954, 0.6060
		const paper = topTermsOf(diffusion, docFreq, docCount, { ...defaultPaperTermOptions, size: 2 });
		expect(pairsOf(paper.terms)).toEqual([
			["diffus", 795],
			["model", 606],
		]);
	});

	it("counts title words as the abstract's when the title weight is 1", () => {
		// diffus: tf 2, sat 1.7143 -> 1.6814; model 0.98083; video 0.47; length 2.0025
		const paper = topTermsOf(diffusion, docFreq, docCount, { ...defaultPaperTermOptions, titleWeight: 1 });
		expect(pairsOf(paper.terms)).toEqual([
			["diffus", 840],
			["model", 490],
			["video", 235],
		]);
	});

	it("gives an empty vector to a paper with no content terms", () => {
		expect(topTermsOf({ title: "On the", abstract: "We show 42." }, docFreq, docCount).terms).toEqual({
			terms: [],
			weights: [],
		});
	});

	it("is stored as compact JSON and read back the same", () => {
		const paper = topTermsOf(diffusion, docFreq, docCount);
		const text = encodePaperTerms(paper);
		expect(text).toBe('{"n":3,"t":["diffus","model","video"],"w":[784,598,167]}');
		expect(decodePaperTerms(text)).toEqual(paper);
	});

	it("refuses stored text that is not what encodePaperTerms wrote", () => {
		for (const text of ["", "{", '{"n":3,"t":["a"],"w":[1,2]}', '{"n":3,"t":["a"],"w":[0.5]}', '{"t":[],"w":[]}']) {
			expect(() => decodePaperTerms(text)).toThrow(invalidPayload);
		}
	});
});
