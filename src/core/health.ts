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
	/** One line per problem, e.g. "disk: 12 MB free in the data folder, below 512 MB (HEALTH_MIN_FREE_DISK_MB)". */
	problems: string[];
	checks: {
		database: "ok" | "failed";
		/** minFreeMb: what the rule asks for (diskRoom): HEALTH_MIN_FREE_DISK_MB, or twice the database when more. */
		disk: { status: "ok" | "low" | "unknown"; freeMb?: number; minFreeMb: number };
		mail: { status: "sending" | "paused"; until?: string };
	};
}

const mib = 1_048_576;
const megabytes = (bytes: number) => Math.floor(bytes / mib);

export interface DiskRoom {
	ok: boolean;
	freeMb: number;
	/** What the rule asks for, in MB (rounded up). */
	neededMb: number;
	/** Why that much: the setting, or twice the database. */
	reason: "HEALTH_MIN_FREE_DISK_MB" | "twice the database";
}

/**
 * The one rule for free disk, which /healthz and `paperboy doctor` both apply: the data
 * folder needs HEALTH_MIN_FREE_DISK_MB and at least twice the database (with its WAL),
 * since a backup is a whole copy and a full disk stops signups and digests. Exactly the
 * needed amount is enough.
 */
export function diskRoom(p: { freeBytes: number; databaseBytes: number; minFreeMb: number }): DiskRoom {
	const setting = p.minFreeMb * mib;
	const twice = 2 * p.databaseBytes;
	const needed = Math.max(setting, twice);
	return {
		ok: p.freeBytes >= needed,
		freeMb: megabytes(p.freeBytes),
		neededMb: Math.ceil(needed / mib),
		reason: twice > setting ? "twice the database" : "HEALTH_MIN_FREE_DISK_MB",
	};
}

/**
 * The data folder's room by the rule, with the sizes it was judged on; undefined where the
 * runtime cannot tell (Workers) or the disk cannot be read.
 */
export async function checkDiskRoom(
	deps: Pick<Deps, "config" | "storage">,
): Promise<(DiskRoom & { freeBytes: number; databaseBytes: number }) | undefined> {
	const storage = deps.storage;
	if (!storage) return undefined;
	const sizes = await Promise.all([storage.freeBytes(), storage.databaseBytes()]).catch(() => undefined);
	if (!sizes) return undefined;
	const [freeBytes, databaseBytes] = sizes;
	return {
		...diskRoom({ freeBytes, databaseBytes, minFreeMb: deps.config.health.minFreeDiskMb }),
		freeBytes,
		databaseBytes,
	};
}

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

	const disk: Health["checks"]["disk"] = { status: "unknown", minFreeMb: deps.config.health.minFreeDiskMb };
	const room = await checkDiskRoom(deps);
	if (room) {
		disk.freeMb = room.freeMb;
		disk.minFreeMb = room.neededMb;
		disk.status = room.ok ? "ok" : "low";
		if (!room.ok)
			problems.push(`disk: ${room.freeMb} MB free in the data folder, below ${room.neededMb} MB (${room.reason})`);
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
