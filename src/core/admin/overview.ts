/**
 * The admin overview (docs/admin.md): readers by status, signups, confirmations and
 * unsubscribes per week, the last digest runs, papers per day and source, and how fresh
 * each source is. Every number is read from the database when the page is asked for.
 */
import { countDeliveriesPerPeriod } from "../db/deliveries.ts";
import { listJobRuns } from "../db/job-runs.ts";
import { countPapersAddedPerDay } from "../db/papers.ts";
import { countReadersByStatus, countReadersPerWeek } from "../db/subscribers.ts";
import { countSuppressionsByReason } from "../db/suppressions.ts";
import type { Deps } from "../deps.ts";
import type { DeliveryStatus } from "../digest/delivery.ts";
import { sourceStatuses } from "../papers/source-alarms.ts";

export const overviewWeeks = 26;
export const overviewDays = 30;
export const overviewRuns = 10;

export interface DigestRunReport {
	period: string;
	startedAt: string;
	finishedAt: string | null;
	/** Deliveries the run planned. */
	planned: number;
	/** Where the period's deliveries stand now (retries after the run included). */
	now: Record<DeliveryStatus, number>;
	durationSeconds: number | null;
	/** Messages the run itself sent per second of its duration. */
	perSecond: number | null;
}

const dayMs = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The Mondays (UTC) of the last `weeks` weeks, oldest first. */
function mondays(now: Date, weeks: number): string[] {
	const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
	const monday = today - ((now.getUTCDay() + 6) % 7) * dayMs;
	return Array.from({ length: weeks }, (_, i) => isoDay(monday - (weeks - 1 - i) * 7 * dayMs));
}

const numberIn = (summary: unknown, key: string): number => {
	const value = (summary as Record<string, unknown> | null)?.[key];
	return typeof value === "number" ? value : 0;
};

export async function adminOverview(deps: Pick<Deps, "db" | "clock" | "config">) {
	const now = deps.clock.now();
	const weeks = mondays(now, overviewWeeks);
	const since = `${weeks[0]}T00:00:00.000Z`;
	const perWeek = async (column: "created_at" | "confirmed_at" | "unsubscribed_at") => {
		const counts = new Map((await countReadersPerWeek(deps.db, column, since)).map((r) => [r.week, r.readers]));
		return weeks.map((week) => counts.get(week) ?? 0);
	};
	const signups = await perWeek("created_at");
	const confirmations = await perWeek("confirmed_at");
	const unsubscribes = await perWeek("unsubscribed_at");

	const runs = await listJobRuns(deps.db, { prefix: "digest:", limit: overviewRuns });
	const periodCounts = await countDeliveriesPerPeriod(
		deps.db,
		runs.map((r) => r.period),
	);
	const digestRuns: DigestRunReport[] = runs.map((run) => {
		const durationSeconds = run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : null;
		// A Workers run hands its messages to the queue and reports no `sent` of its own.
		const sent =
			typeof (run.summary as Record<string, unknown> | null)?.sent === "number" ? numberIn(run.summary, "sent") : null;
		return {
			period: run.period,
			startedAt: run.startedAt,
			finishedAt: run.finishedAt,
			planned: numberIn(run.summary, "planned"),
			now: periodCounts.get(run.period) ?? { pending: 0, sending: 0, sent: 0, failed: 0, unknown: 0, skipped: 0 },
			durationSeconds,
			perSecond: sent !== null && durationSeconds && durationSeconds > 0 ? sent / durationSeconds : null,
		};
	});

	const firstDay = now.getTime() - (overviewDays - 1) * dayMs;
	const days = Array.from({ length: overviewDays }, (_, i) => isoDay(firstDay + i * dayMs));
	const perDay = await countPapersAddedPerDay(deps.db, `${days[0]}T00:00:00.000Z`);
	const sources = [...new Set(perDay.map((r) => r.source))].sort();
	const papersPerDay = sources.map((source) => ({
		source,
		values: days.map((day) => perDay.find((r) => r.day === day && r.source === source)?.papers ?? 0),
	}));

	return {
		at: now.toISOString(),
		readers: await countReadersByStatus(deps.db),
		suppressions: await countSuppressionsByReason(deps.db),
		weeks,
		perWeek: { signups, confirmations, unsubscribes },
		digestRuns,
		days,
		papersPerDay,
		sources: await sourceStatuses(deps),
	};
}

export type AdminOverview = Awaited<ReturnType<typeof adminOverview>>;
