/**
 * Sources that go quiet are caught (docs/decisions/073-stale-source-alarms.md): a source
 * whose last good ingest is older than STALE_AFTER_HOURS, or that brought the very same
 * batch as its run before, is in alarm. The log says so at error level on every check, the
 * health answer and `paperboy sources` show it, ADMIN_EMAIL gets one mail per incident, and
 * a digest run whose every source is in alarm says why its readers got nothing.
 */
import { sha256Hex } from "../crypto.ts";
import {
	claimAlarmMail,
	listSourceHealth,
	markStaleSources,
	recordSourceRun,
	releaseAlarmMail,
	type SourceAlarm,
} from "../db/source-health.ts";
import type { Deps } from "../deps.ts";
import { composeMessage } from "../mail/compose-message.ts";

type AlarmDeps = Pick<Deps, "db" | "clock" | "config" | "log" | "mailer">;

/**
 * Records a scheduled ingest of one source: the paper ids that came in whole, or undefined
 * when the run failed. A run that brought nothing (arXiv on a weekend) is neither a success
 * nor the same batch again.
 */
export async function recordSourceIngest(
	deps: Pick<Deps, "db" | "clock">,
	source: string,
	ids: ReadonlySet<string> | undefined,
): Promise<void> {
	const batch = ids?.size ? sha256Hex([...ids].sort().join("\n")) : undefined;
	await recordSourceRun(deps.db, { source, at: deps.clock.now().toISOString(), batch });
}

/** Where a configured paper source stands: the one answer every page, command and metric gives. */
export interface SourceStatus {
	source: string;
	/** The last scheduled ingest of it, good or not; null: none yet. */
	lastRunAt: string | null;
	/** The last one that brought a new batch; null: never. */
	lastSuccessAt: string | null;
	/**
	 * `stale`: no new batch for STALE_AFTER_HOURS (whether or not a check has recorded it yet),
	 * `same_batch`: the very same batch as the run before; null: fine, or never run.
	 */
	alarm: SourceAlarm | null;
	alarmSince: string | null;
	/** Hours since the last good ingest (or the first attempt, when none came in yet); null: never run. */
	ageHours: number | null;
}

/**
 * Every configured source's state now, without changing anything: the admin overview,
 * /healthz, `paperboy sources`, `paperboy doctor` and /metrics all read this, from
 * source_health (what each scheduled ingest recorded).
 */
export async function sourceStatuses(deps: Pick<Deps, "db" | "clock" | "config">): Promise<SourceStatus[]> {
	const now = deps.clock.now().getTime();
	const staleAfterMs = deps.config.staleAfterHours * 3600_000;
	const recorded = new Map((await listSourceHealth(deps.db)).map((h) => [h.source, h]));
	return deps.config.ingest.sources.map((source): SourceStatus => {
		const h = recorded.get(source);
		if (!h) return { source, lastRunAt: null, lastSuccessAt: null, alarm: null, alarmSince: null, ageHours: null };
		const since = Date.parse(h.lastSuccessAt ?? h.firstRunAt);
		// A check (after each ingest, before each digest) records `stale`; until one runs, the age says it.
		const stale = !h.alarm && now - since > staleAfterMs;
		return {
			source,
			lastRunAt: h.lastRunAt,
			lastSuccessAt: h.lastSuccessAt,
			alarm: stale ? "stale" : h.alarm,
			alarmSince: stale ? new Date(since + staleAfterMs).toISOString() : h.alarmSince,
			ageHours: (now - since) / 3600_000,
		};
	});
}

/**
 * Raises `stale` where due, logs every source in alarm at error level, and mails ADMIN_EMAIL
 * once per incident. Runs after each scheduled ingest and before each digest run.
 */
export async function checkSources(deps: AlarmDeps): Promise<SourceStatus[]> {
	const now = deps.clock.now();
	const before = new Date(now.getTime() - deps.config.staleAfterHours * 3600_000).toISOString();
	await markStaleSources(deps.db, deps.config.ingest.sources, before, now.toISOString());
	const alarmed = (await sourceStatuses(deps)).filter((s) => s.alarm);
	for (const s of alarmed) {
		deps.log.error(alarmText(s), { source: s.source, alarm: s.alarm, since: s.alarmSince });
		if (deps.config.adminEmail) await mailAdminOnce(deps, deps.config.adminEmail, s, now);
	}
	return alarmed;
}

/**
 * Why a digest run found nothing to send, when that is the sources' fault: every configured
 * source in alarm. Undefined otherwise (no sources configured, or one is fine).
 */
export async function staleSourcesReason(deps: Pick<Deps, "db" | "clock" | "config">): Promise<string | undefined> {
	const configured = deps.config.ingest.sources;
	if (!configured.length) return undefined;
	const alarmed = (await sourceStatuses(deps)).filter((s) => s.alarm);
	if (alarmed.length < configured.length) return undefined;
	return `sources were stale: ${alarmed.map((s) => s.source).join(", ")}`;
}

const alarmText = (s: SourceStatus) =>
	s.alarm === "same_batch"
		? `paper source ${s.source} returned the very same batch as its run before`
		: `paper source ${s.source} has brought no new papers for ${Math.floor(s.ageHours ?? 0)} hours`;

async function mailAdminOnce(deps: AlarmDeps, to: string, s: SourceStatus, now: Date): Promise<void> {
	const at = now.toISOString();
	if (!(await claimAlarmMail(deps.db, s.source, at))) return;
	const subject = `paperboy: ${alarmText(s)}`;
	const text = [
		`${alarmText(s)}.`,
		"",
		`Last good ingest: ${s.lastSuccessAt ?? "never"}. Last attempt: ${s.lastRunAt}. In alarm since: ${s.alarmSince}.`,
		"Digests keep going out with the papers paperboy has; readers whose topics match nothing new get no mail.",
		"You get this mail once per incident; `paperboy sources` shows where each source stands.",
	].join("\n");
	const html = `<p>${text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll("\n", "<br>")}</p>`;
	const message = composeMessage(deps.config, {
		to,
		subject,
		html,
		text,
		date: now,
		messageKey: `alarm.${s.source}.${at.replace(/\D/g, "")}`,
	});
	try {
		await deps.mailer.send(message);
	} catch (error) {
		await releaseAlarmMail(deps.db, s.source, at);
		deps.log.error("could not mail the source alarm to ADMIN_EMAIL; will try again", { source: s.source, error });
	}
}
