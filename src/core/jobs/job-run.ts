/** A job's run as `job_runs` records it (one per job and period). */
export interface JobRun {
	job: string;
	period: string;
	startedAt: string;
	finishedAt: string | null;
	/** What the job returned, as it wrote it (a digest's counts, ingest's per-source summaries). */
	summary: unknown;
}
