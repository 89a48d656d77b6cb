/** The `job_runs` table: one row per job and period, which is how a period's run happens once. */
import type { JobRun } from "../jobs/job-run.ts";
import type { Db } from "./schema.ts";

/**
 * Marks a job's period as started. Returns false when that period was already started
 * (by this or another process), which is how a period's run happens once.
 */
export async function startJobRun(db: Db, job: string, period: string, at: string): Promise<boolean> {
	const result = await db
		.insertInto("job_runs")
		.values({ job, period, started_at: at })
		.onConflict((oc) => oc.columns(["job", "period"]).doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function finishJobRun(db: Db, job: string, period: string, at: string, summary: unknown): Promise<void> {
	await db
		.updateTable("job_runs")
		.set({ finished_at: at, summary: JSON.stringify(summary) })
		.where("job", "=", job)
		.where("period", "=", period)
		.execute();
}

/** Whether this job's period was started (finished or not). */
export async function jobRunExists(db: Db, job: string, period: string): Promise<boolean> {
	const row = await db
		.selectFrom("job_runs")
		.select("period")
		.where("job", "=", job)
		.where("period", "=", period)
		.executeTakeFirst();
	return row !== undefined;
}

/** When a job last finished a run, whatever the period. */
export async function lastJobFinishedAt(db: Db, job: string): Promise<string | undefined> {
	const row = await db
		.selectFrom("job_runs")
		.select((eb) => eb.fn.max("finished_at").as("at"))
		.where("job", "=", job)
		.executeTakeFirst();
	return row?.at ?? undefined;
}

/** The newest runs of the jobs whose names start with `prefix`, newest first. */
export async function listJobRuns(db: Db, p: { prefix: string; limit: number }): Promise<JobRun[]> {
	const rows = await db
		.selectFrom("job_runs")
		.selectAll()
		.where("job", "like", `${p.prefix}%`)
		.orderBy("started_at", "desc")
		.limit(p.limit)
		.execute();
	return rows.map((r) => ({
		job: r.job,
		period: r.period,
		startedAt: r.started_at,
		finishedAt: r.finished_at,
		summary: r.summary ? (JSON.parse(r.summary) as unknown) : null,
	}));
}
