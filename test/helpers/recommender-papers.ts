/**
 * New papers for the weeks after a first digest on "state space models" (the seed's S4
 * papers): some on the same subject that never say "state space" (so no topic matches
 * them, only the recommender can bring them), and some on other subjects.
 */
import type { NormalisedPaper } from "../../src/core/papers/paper.ts";
import { paper } from "./readers.ts";

export const week2: NormalisedPaper[] = [
	paper(
		"2612.00101",
		"Input-Dependent Selective Scans for Linear-Time Sequence Modeling",
		"Structured recurrent layers such as S4 handle long-range dependencies but their parameters do not depend on the input. We make the recurrence selective: the step size and projections are functions of each token, so the layer can remember or forget content. Selective parameters rule out the convolutional kernel of S4, so we compute the recurrence with a hardware-aware parallel scan that keeps the expanded state in fast GPU memory. The selective scan is linear in sequence length and matches attention on language modeling and the Long Range Arena.",
	),
	paper(
		"2612.00102",
		"Legendre Memory Revisited: HiPPO Projections for Long-Range Dependencies",
		"The HiPPO framework compresses a continuous signal's history by projecting it onto orthogonal polynomial bases such as Legendre and Fourier polynomials. We revisit HiPPO initializations of the S4 state matrix and the timescale parameter, derive the S4 kernel for warped Legendre measures, and show which initialization lets deep S4 layers capture long-range dependencies on the Long Range Arena, including Path-X.",
	),
	paper(
		"2612.00103",
		"Diagonal Linear Recurrences on the Long Range Arena",
		"Diagonal variants of S4, such as DSS and S4D, restrict the state matrix to be diagonal and compute the convolution kernel in a few lines of code. We study how the initialization and parameterization of diagonal recurrences affect the Long Range Arena, speech and image classification, and show that a diagonal matrix initialized from the HiPPO matrix matches S4 on long-range sequence tasks.",
	),
	paper(
		"2612.00104",
		"Latent Diffusion for Radiology Report Generation",
		"We generate chest X-ray radiology reports with a latent diffusion decoder conditioned on image features. A denoising network trained on paired reports and images produces findings that radiologists rate as accurate, and classifier-free guidance trades fluency against clinical correctness.",
	),
	paper(
		"2612.00105",
		"Speculative Decoding with Draft Heads for Large Language Models",
		"Autoregressive decoding of large language models is slow because each token needs a full forward pass. Small draft heads propose several tokens that the large model verifies in parallel, which speeds up generation threefold without changing the output distribution.",
	),
	paper(
		"2612.00106",
		"Graph Neural Networks for Molecular Property Prediction",
		"Message passing graph neural networks predict molecular properties from atoms and bonds. We pretrain on millions of unlabeled molecules with masked atom prediction and fine-tune on toxicity and solubility benchmarks, improving over fingerprints and descriptors.",
	),
];

export const week3: NormalisedPaper[] = [
	paper(
		"2612.00201",
		"Hardware-Aware Selective Scans with Input-Dependent Gating",
		"Selective recurrences extend S4 by letting each token choose its step size, but their parallel scan is memory-bound on GPUs. We fuse the selective scan into one hardware-aware kernel with input-dependent gating, keeping the expanded recurrent state in SRAM, and train selective S4 layers twice as fast on language modeling and the Long Range Arena at linear cost in sequence length.",
	),
	paper(
		"2612.00202",
		"Initializing S4 Kernels with Orthogonal Polynomial Bases",
		"The S4 layer's convolution kernel depends on how its state matrix is initialized. We compare HiPPO-LegS, Fourier and Laguerre initializations, derive the kernel of each orthogonal polynomial basis, and show on the Long Range Arena which timescale initialization lets S4 capture long-range dependencies.",
	),
	paper(
		"2612.00203",
		"Retrieval-Augmented Question Answering over Scientific Tables",
		"We answer questions about tables in scientific papers by retrieving relevant rows and columns before generating an answer with a language model, improving exact match on two table question answering benchmarks.",
	),
];
