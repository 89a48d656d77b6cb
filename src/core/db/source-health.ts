/** The `source_health` table: per paper source, its last good ingest and the alarm of the moment. */
import { sql } from "kysely";
import type { Db } from "./schema.ts";

export type SourceAlarm = "stale" | "same_batch";

export interface SourceHealth {
	source: string;
	firstRunAt: string;
	lastRunAt: string;
	lastSuccessAt: string | null;
	alarm: SourceAlarm | null;
	alarmSince: string | null;
	alarmMailedAt: string | null;
}

/**
 * Records one scheduled ingest of a source in one statement. `batch` is the fingerprint of
 * what came in whole (undefined when the run failed): the same one as last time raises
 * `same_batch`; a new one is a success and ends any alarm.
 */
export async function recordSourceRun(db: Db, r: { source: string; at: string; batch?: string }): Promise<void> {
	const batch = r.batch ?? null;
	await sql`
		insert into source_health (source, first_run_at, last_run_at, last_success_at, last_batch)
		values (${r.source}, ${r.at}, ${r.at}, ${batch === null ? null : r.at}, ${batch})
		on conflict (source) do update set
			last_run_at = excluded.last_run_at,
			alarm = case
				when ${batch} is null then alarm
				when ${batch} = last_batch then 'same_batch'
				else null end,
			alarm_since = case
				when ${batch} is null then alarm_since
				when ${batch} = last_batch then coalesce(alarm_since, excluded.last_run_at)
				else null end,
			alarm_mailed_at = case when ${batch} is not null and ${batch} is not last_batch then null else alarm_mailed_at end,
			last_success_at = case
				when ${batch} is not null and ${batch} is not last_batch then excluded.last_run_at
				else last_success_at end,
			last_batch = coalesce(${batch}, last_batch)`.execute(db);
}

/** Raises `stale` for the sources with no good ingest since `before` (and no alarm yet). */
export async function markStaleSources(db: Db, sources: readonly string[], before: string, at: string) {
	if (!sources.length) return;
	await db
		.updateTable("source_health")
		.set({ alarm: "stale", alarm_since: at })
		.where("source", "in", sources)
		.where("alarm", "is", null)
		.where((eb) => eb(eb.fn.coalesce("last_success_at", "first_run_at"), "<", before))
		.execute();
}

export async function listSourceHealth(db: Db): Promise<SourceHealth[]> {
	const rows = await db.selectFrom("source_health").selectAll().orderBy("source").execute();
	return rows.map((r) => ({
		source: r.source,
		firstRunAt: r.first_run_at,
		lastRunAt: r.last_run_at,
		lastSuccessAt: r.last_success_at,
		alarm: r.alarm,
		alarmSince: r.alarm_since,
		alarmMailedAt: r.alarm_mailed_at,
	}));
}

/** Claims the one admin mail of a source's current incident; false when it was sent (or there is none). */
export async function claimAlarmMail(db: Db, source: string, at: string): Promise<boolean> {
	const result = await db
		.updateTable("source_health")
		.set({ alarm_mailed_at: at })
		.where("source", "=", source)
		.where("alarm", "is not", null)
		.where("alarm_mailed_at", "is", null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

/** Gives a claim back when the mail could not be sent, so the next check tries again. */
export async function releaseAlarmMail(db: Db, source: string, at: string): Promise<void> {
	await db
		.updateTable("source_health")
		.set({ alarm_mailed_at: null })
		.where("source", "=", source)
		.where("alarm_mailed_at", "=", at)
		.execute();
}
