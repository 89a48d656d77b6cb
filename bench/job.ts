/**
 * The real digest job, alone in its own process so that its CPU time and peak RSS are
 * its own: `createNodeRuntime` on the benchmark's SQLite file, nodemailer pooled SMTP to
 * the sink, `runDigest(["weekly"])`. Forked by bench/digest.ts; reports over IPC.
 */
import { performance } from "node:perf_hooks";
import { parseConfig } from "../src/core/config.ts";
import { drainOutbox } from "../src/core/digest/outbox.ts";
import { runDigest } from "../src/core/jobs/run-job.ts";
import { createNodeRuntime } from "../src/node/runtime.ts";

export interface JobRequest {
	env: Record<string, string>;
	/** Readers expected, for the progress line. */
	expected: number;
	concurrency?: number;
	batchSize?: number;
}

export interface JobReport {
	planned: number;
	sent: number;
	skipped: number;
	failed: number;
	retrying: number;
	/** Wall time of runDigest (plan + drain), seconds. */
	runS: number;
	/** Opening the runtime (SQLite file, migrations check, SMTP pool object), seconds. */
	openS: number;
	cpuUserMs: number;
	cpuSystemMs: number;
	peakRssMb: number;
	/** Heap in use at the end, MB (after the run, before exit). */
	heapUsedMb: number;
}

if (!process.send) throw new Error("bench/job.ts runs as a child process (fork) of bench/digest.ts");

function progressLine(
	p: { sent: number; skipped: number; failed: number; retrying: number },
	expected: number,
	t0: number,
) {
	const done = p.sent + p.skipped + p.failed + p.retrying;
	const s = (performance.now() - t0) / 1000;
	const rss = Math.round(process.memoryUsage.rss() / 2 ** 20);
	return `job: ${done.toLocaleString("en")}/${expected.toLocaleString("en")} done (${p.sent.toLocaleString("en")} sent, ${p.skipped} skipped, ${p.failed} failed) in ${s.toFixed(1)} s, ${Math.round(done / s)}/s, rss ${rss} MB`;
}

process.once("message", async (request: JobRequest) => {
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const runtime = createNodeRuntime(parseConfig(request.env));
	const openS = (performance.now() - t0) / 1000;
	let lastPrint = 0;
	const summary = await runDigest(runtime.deps, ["weekly"], {
		deliver: (deps) =>
			drainOutbox(deps, {
				...(request.concurrency ? { concurrency: request.concurrency } : {}),
				...(request.batchSize ? { batchSize: request.batchSize } : {}),
				onProgress(p) {
					const now = performance.now();
					if (now - lastPrint < 2000) return;
					lastPrint = now;
					process.stderr.write(`${progressLine(p, request.expected, t0)}\n`);
				},
			}),
	});
	const runS = (performance.now() - t0) / 1000 - openS;
	await runtime.close();
	const cpu = process.cpuUsage(cpu0);
	process.stderr.write(`${progressLine(summary, request.expected, t0)}\n`);
	const report: JobReport = {
		planned: summary.planned,
		sent: summary.sent,
		skipped: summary.skipped,
		failed: summary.failed,
		retrying: summary.retrying,
		runS,
		openS,
		cpuUserMs: cpu.user / 1000,
		cpuSystemMs: cpu.system / 1000,
		peakRssMb: process.resourceUsage().maxRSS / 1024,
		heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
	};
	process.send?.(report, () => process.exit(0));
});
