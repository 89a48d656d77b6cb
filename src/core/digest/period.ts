import type { Frequency } from "../subscriptions/reader.ts";

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
	// en-CA formats dates as YYYY-MM-DD.
	return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** ISO 8601 week of a calendar date, e.g. "2026-W48" (weeks start on Monday). */
export function isoWeek(date: string): string {
	const [y, m, d] = date.split("-").map(Number) as [number, number, number];
	const day = new Date(Date.UTC(y, m - 1, d));
	const weekday = day.getUTCDay() || 7;
	// The Thursday of this week decides the year the week belongs to.
	day.setUTCDate(day.getUTCDate() + 4 - weekday);
	const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
	const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
	return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

const periodDays: Record<Frequency, number> = { weekly: 7, daily: 1 };

/**
 * Until when a delivery planned at `plannedAt` is worth retrying: `periods` of its own
 * length later (a weekly digest a week, a daily one a day). Past it the news is stale, and
 * the next period's digest covers the same papers, since its window starts at the last
 * digest that went out.
 */
export function retryDeadline(period: string, plannedAt: string, periods: number): Date {
	const frequency: Frequency = period.startsWith("daily:") ? "daily" : "weekly";
	return new Date(Date.parse(plannedAt) + periods * periodDays[frequency] * 86_400_000);
}

/**
 * The period a digest belongs to, in the schedule's time zone: the local ISO week for
 * weekly readers, the local date for daily ones. One delivery per reader and period is
 * what makes a digest go out at most once, whatever DST, restarts or reruns do.
 */
export function periodFor(frequency: Frequency, at: Date, timeZone: string): string {
	const date = localDate(at, timeZone);
	return frequency === "weekly" ? `weekly:${isoWeek(date)}` : `daily:${date}`;
}
