/**
 * Step 4 of `npm run bench`, and each checkout's turn in `npm run bench:match`, in a process
 * of its own: matching, recommending and rendering for every reader with a checkout's own
 * code (its bench/baselines.ts `matchAndRender`), then, when asked, the naive ways on
 * samples. Forked with the node flags the server runs with, so the passes run as in a
 * server's process: in the process that had just generated 100,000 readers, the same
 * passes took up to three times the CPU. Answers one request over IPC.
 */
import { join } from "node:path";
import type { Config } from "../src/core/config.ts";
import type { Deps } from "../src/core/deps.ts";
import type { DigestInput } from "../src/core/digest/render.ts";
import type { Reader } from "../src/core/subscriptions/reader.ts";
import type { MatchRenderResult, Window } from "./baselines.ts";

export interface PassesRequest {
	/** The checkout whose code runs the passes. */
	checkout: string;
	env: Record<string, string>;
	/** When the data was generated (ISO): the window is a first digest's up to then. */
	now: string;
	/** The naive ways too (this checkout's), on this many rendered samples, sending to the SMTP sink on this port. */
	baselines?: { samples: number; sinkPort: number; papers: number };
}

export type PassesReport = Omit<MatchRenderResult, "samples"> & { baselines?: Baselines };

if (!process.send) throw new Error("bench/passes.ts runs as a child process (fork) of a benchmark");

process.once("message", async (request: PassesRequest) => {
	const { checkout } = request;
	const { parseConfig } = await import(join(checkout, "src/core/config.ts"));
	const { createNodeRuntime } = await import(join(checkout, "src/node/runtime.ts"));
	const { listReaders } = await import(join(checkout, "src/core/db/subscribers.ts"));
	const { matchAndRender } = await import(join(checkout, "bench/baselines.ts"));
	const config: Config = parseConfig(request.env);
	const runtime = createNodeRuntime(config);
	const readers: Reader[] = await listReaders(runtime.deps.db);
	const now = new Date(request.now);
	const window: Window = {
		from: new Date(now.getTime() - config.digest.firstWindowDays * 86_400_000).toISOString(),
		to: now.toISOString(),
	};
	const progress = (line: string) => process.stderr.write(`${line}\n`);
	const { samples, ...passes }: MatchRenderResult = await matchAndRender(
		runtime.deps,
		readers,
		window,
		request.baselines?.samples ?? 1,
		progress,
	);
	const baselines = request.baselines
		? await runBaselines(runtime.deps, config, readers, window, samples, request.baselines, progress)
		: undefined;
	await runtime.close();
	const report: PassesReport = { ...passes, ...(baselines ? { baselines } : {}) };
	process.send?.(report, () => process.exit(0));
});

export type Baselines = Awaited<ReturnType<typeof runBaselines>>;

/** The naive ways, each on samples, against what the passes measured. */
async function runBaselines(
	deps: Deps,
	config: Config,
	readers: readonly Reader[],
	window: Window,
	samples: readonly DigestInput[],
	options: { sinkPort: number; papers: number },
	progress: (line: string) => void,
) {
	const { recentPapers } = await import("../src/core/papers/recent.ts");
	const { mjmlPerDigest, perReaderLoop, perReaderQuery, sampleMessages, sendComparison } = await import(
		"./baselines.ts"
	);
	const papers = await recentPapers(deps, options.papers * 2);
	progress("bench: baseline one FTS5 query per reader");
	const query = await perReaderQuery(deps, readers, window, 1000);
	progress("bench: baseline per-reader loop over papers");
	const loop = perReaderLoop(papers, readers, window, 300, config.digest.maxPapers);
	progress("bench: baseline mjml2html per digest");
	const mjml = await mjmlPerDigest(config, samples.slice(0, 30));
	progress("bench: baseline nodemailer defaults vs the real mailer");
	const send = await sendComparison(config, options.sinkPort, sampleMessages(config, samples, 1000));
	return { query, loop, mjml, send };
}
