/**
 * `paperboy serve` (what `npm start` runs): one process serving the web app on an
 * embedded SQLite file, with the ingest and digest jobs on node-cron. SIGTERM/SIGINT
 * stop taking requests, let in-flight work (mail, a digest run) finish for a few
 * seconds, and exit 0 within 10 s.
 */
import type { Config } from "../core/config.ts";
import { scheduledJobs } from "../core/jobs/schedule.ts";
import { mailTransport } from "../core/mail/mail-transport.ts";
import { refreshAllDerivedData } from "../core/papers/refresh-derived.ts";
import { seedPapersIfEmpty } from "../core/papers/store.ts";
import { startBounceIntake } from "./bounce-intake.ts";
import { createNodeRuntime } from "./runtime.ts";
import { startScheduler } from "./scheduler.ts";
import { readSeedPapers } from "./seed.ts";
import { startServer } from "./server.ts";

/** After SIGTERM: how long mail in flight may take to finish, and when the process exits regardless. */
const stopGraceMs = 5_000;
const stopLimitMs = 9_000;

/** Runs until a signal stops it; then exits the process. */
export async function serve(config: Config): Promise<void> {
	// prom-client loads only here, and only when /metrics is served: no other command pays for it.
	const metrics = config.metricsToken ? (await import("./metrics.ts")).createNodeMetrics() : undefined;
	const runtime = createNodeRuntime(config, {}, { metrics });
	const { deps } = runtime;
	const seeded = await seedPapersIfEmpty(deps, readSeedPapers());
	if (seeded) deps.log.info("seeded the empty database", { papers: seeded.new });
	const server = await startServer(runtime, { port: config.port, hostname: config.host });
	const scheduler = startScheduler(runtime);
	deps.log.info("jobs scheduled", {
		timeZone: config.timeZone,
		...Object.fromEntries(scheduledJobs(config).map((job) => [job.name, job.cron])),
	});
	const bounces = await startBounceIntake(deps);
	// Papers stored before author, category and acronym lookups existed (or by an older
	// derivation) are brought up to date while the server already answers.
	refreshAllDerivedData(deps).then(
		(redone) => redone && deps.log.info("recomputed the derived data of stored papers", { papers: redone }),
		(error: unknown) => deps.log.error("recomputing the derived data of stored papers failed", { error }),
	);

	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		deps.log.info("shutting down", { signal });
		// Process managers kill after ~10 s: whatever the relay does, we are gone before that.
		setTimeout(() => {
			deps.log.error("shutdown did not finish in time: exiting anyway", { limitMs: stopLimitMs });
			process.exit(1);
		}, stopLimitMs).unref();
		const finished = Promise.all([server.close(), scheduler.stop(), bounces.close(), runtime.idle()]);
		const grace = new Promise<"late">((resolve) => setTimeout(resolve, stopGraceMs, "late").unref());
		if ((await Promise.race([finished, grace])) === "late") {
			// A relay that does not answer would hold its messages for the command timeout:
			// drop the connections; those messages are recorded as temporary failures and retried.
			deps.log.warn("mail still in flight at shutdown: dropping its connections, it is retried later", {
				graceMs: stopGraceMs,
			});
			deps.mailer.abort?.();
			await finished;
		}
		await runtime.close();
		process.exit(0);
	};
	process.on("SIGTERM", () => void stop("SIGTERM"));
	process.on("SIGINT", () => void stop("SIGINT"));
	// Said once a signal can stop us cleanly: a process manager (or a test) may signal at once.
	deps.log.info(`paperboy is listening on ${config.baseUrl}`, {
		port: config.port,
		database: config.databasePath,
		mail: mailTransport(config.mail) ?? "eml files in the data folder",
	});
	await new Promise<never>(() => {});
}
