import { describe, expect, it } from "vitest";
import {
	bestLongForm,
	findAcronymDefinitions,
	looksLikeAcronym,
} from "../../../src/core/papers/acronym-definitions.ts";

const pairs = (text: string) => findAcronymDefinitions(text).map((d) => `${d.short} = ${d.long}`);

describe("Schwartz & Hearst's long forms", () => {
	it.each([
		["MoE", "we study sparse mixture-of-experts", "mixture-of-experts"],
		["SSMs", "Structured state space models", "state space models"],
		["LoRA", "parameter updates via low-rank adaptation", "low-rank adaptation"],
		["ViT", "the Vision Transformer", "Vision Transformer"],
		["PEFT", "Parameter-efficient fine-tuning", "Parameter-efficient fine-tuning"],
		["RL", "trained with reinforcement learning", "reinforcement learning"],
	])("%s in '%s' is '%s'", (short, before, long) => {
		expect(bestLongForm(short, before)).toBe(long);
	});

	it("finds none when a letter is missing or the first letter starts no word", () => {
		expect(bestLongForm("MoE", "a sparse gating network")).toBeUndefined();
		expect(bestLongForm("XL", "a simple model")).toBeUndefined();
	});
});

describe("acronym definitions in a paper's text", () => {
	it("reads both orders, drops plurals and keeps each definition once", () => {
		expect(
			pairs(
				"Large language models (LLMs) and Mixture-of-Experts (MoE) layers. Our MoE (mixture of experts) and large language model (LLM) results.",
			),
		).toEqual(["LLM = large language models", "MoE = mixture of experts"]);
	});

	it("keys long forms by their stems, as the search index sees them", () => {
		const [one] = findAcronymDefinitions("a state space model (SSM)");
		const [other] = findAcronymDefinitions("structured state-space models (SSMs)");
		expect(one?.longKey).toBe("state space model");
		expect(other?.longKey).toBe(one?.longKey);
		expect(other?.shortKey).toBe("ssm");
	});

	it("never turns common words, Roman numerals or lower-case words into acronyms", () => {
		expect(pairs("Results and Discussion (AND), in Section Two (II), the ablation of the model (ablation)")).toEqual(
			[],
		);
		expect(pairs("Transformer (TF) and also reinforcement learning, e.g. (RL, see below)")).toEqual([]);
		expect(pairs("as shown by Rao (1948) and others (see Fig. 2)")).toEqual([]);
	});

	it("stops a long form at the sentence before", () => {
		expect(pairs("We use large models. Mixture of experts (MoE) helps.")).toEqual(["MoE = mixture of experts"]);
		expect(pairs("We study language. Models (LM) help.")).toEqual([]);
	});
});

describe("what looks like an acronym", () => {
	it.each([
		["MoE", true],
		["LoRA", true],
		["ViTs", true],
		["T2I", true],
		["VIA-SD", true],
		["moe", false],
		["Mamba", false],
		["AND", false],
		["II", false],
		["X", false],
		["ABCDEFGHIJK", false],
	])("%s: %s", (word, expected) => {
		expect(looksLikeAcronym(word)).toBe(expected);
	});
});
