/**
 * `npm start`: one process serving the web app on an embedded SQLite file, with the
 * ingest and digest jobs on node-cron. SIGTERM/SIGINT stop taking requests, let
 * in-flight work (mail, a digest run) finish, and exit 0.
 */
import { mailTransport } from "../core/mail/mail-transport.ts";
import { refreshAllDerivedData } from "../core/papers/refresh-derived.ts";
import { seedPapersIfEmpty } from "../core/papers/store.ts";
import { startBounceIntake } from "./bounce-intake.ts";
import { exitWithError } from "./exit.ts";
import { createNodeRuntime } from "./runtime.ts";
import { startScheduler } from "./scheduler.ts";
import { readSeedPapers } from "./seed.ts";
import { startServer } from "./server.ts";
import { loadSettings } from "./settings.ts";

async function main() {
	const config = loadSettings();
	const runtime = createNodeRuntime(config);
	const { deps } = runtime;
	const seeded = await seedPapersIfEmpty(deps, readSeedPapers());
	if (seeded) deps.log.info("seeded the empty database", { papers: seeded.new });
	const server = await startServer(runtime, { port: config.port });
	deps.log.info(`paperboy is listening on ${config.baseUrl}`, {
		database: config.databasePath,
		mail: mailTransport(config.mail) ?? "eml files in the data folder",
	});
	const scheduler = startScheduler(runtime);
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
		await server.close();
		await scheduler.stop();
		await bounces.close();
		await runtime.close();
		process.exit(0);
	};
	process.on("SIGTERM", () => void stop("SIGTERM"));
	process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch(exitWithError);
