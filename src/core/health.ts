/**
 * What `GET /healthz` answers: healthy only when the database takes a write, the data
 * folder has room (where the runtime can tell: Node) and the mail relay is reachable
 * (the sender is not paused by its circuit breaker). Each problem says what is wrong.
 * `instance` is this installation's id (made with its database): `paperboy doctor`
 * compares it with its own database's, so it knows that BASE_URL reaches this very instance.
 */
import { writeHealthProbe } from "./db/health-probe.ts";
import { getInstance } from "./db/instance.ts";
import type { Deps } from "./deps.ts";

export interface Health {
	ok: boolean;
	/** This installation's id; absent only when the database cannot be read. */
	instance?: string;
	/** One line per problem, e.g. "disk: 12 MB free in the data folder, below 100 MB". */
	problems: string[];
	checks: {
		database: "ok" | "failed";
		disk: { status: "ok" | "low" | "unknown"; freeMb?: number; minFreeMb: number };
		mail: { status: "sending" | "paused"; until?: string };
	};
}

const megabytes = (bytes: number) => Math.floor(bytes / 1_048_576);

export async function checkHealth(deps: Pick<Deps, "db" | "clock" | "mailer" | "config" | "storage">): Promise<Health> {
	const problems: string[] = [];
	let database: Health["checks"]["database"] = "ok";
	try {
		await writeHealthProbe(deps.db, deps.clock.now().toISOString());
	} catch (error) {
		database = "failed";
		problems.push(`database: cannot write (${error instanceof Error ? error.message : String(error)})`);
	}
	const instance = await getInstance(deps.db).then(
		(i) => i.id,
		() => undefined,
	);

	const minFreeMb = deps.config.health.minFreeDiskMb;
	const disk: Health["checks"]["disk"] = { status: "unknown", minFreeMb };
	const free = await deps.storage?.freeBytes().catch(() => undefined);
	if (free !== undefined) {
		disk.freeMb = megabytes(free);
		disk.status = disk.freeMb < minFreeMb ? "low" : "ok";
		if (disk.status === "low") {
			problems.push(`disk: ${disk.freeMb} MB free in the data folder, below ${minFreeMb} MB (HEALTH_MIN_FREE_DISK_MB)`);
		}
	}

	const sender = deps.mailer.state?.() ?? { status: "sending" as const };
	const mail: Health["checks"]["mail"] = { status: sender.status, ...(sender.until ? { until: sender.until } : {}) };
	if (sender.status === "paused") {
		problems.push(`mail: the relay is unreachable (${sender.reason}); sending paused until ${sender.until}`);
	}
	return { ok: problems.length === 0, ...(instance ? { instance } : {}), problems, checks: { database, disk, mail } };
}

/** This installation: its id and when its database was created. */
export const thisInstance = (deps: Pick<Deps, "db">) => getInstance(deps.db);
