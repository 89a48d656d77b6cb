/**
 * The silent-weeks note (issue 14 item 3): a weekly reader whose last four digests were
 * all skipped because nothing matched gets one short email with how much each of their
 * topics matched lately and the link to broaden them; at most once every twelve weeks,
 * and never when SILENT_WEEKS_NOTE is off. Runs after each weekly digest run.
 */
import { listSilentReaders } from "../db/deliveries.ts";
import { claimReaderNote } from "../db/reader-notes.ts";
import type { Deps } from "../deps.ts";
import { silentWeeksMail } from "../mail/transactional.ts";
import { ensureLinkTokens, linkTokenFor } from "../subscriptions/link-tokens.ts";
import { manageUrl, unsubscribeUrl } from "../subscriptions/links.ts";
import { previewKeywords } from "../topics/keyword-preview.ts";
import { nothingMatched } from "./send-delivery.ts";

export const silentWeeks = 4;
export const noteEveryWeeks = 12;
/** Notes per run at most: a run's work stays bounded (Workers' limits); the rest go next week. */
export const notesPerRun = 100;
const kind = "silent-weeks";

/** Sends the notes that are due; returns how many went out. */
export async function sendSilentWeeksNotes(deps: Deps): Promise<number> {
	if (!deps.config.digest.silentWeeksNote) return 0;
	const now = deps.clock.now();
	const notAfter = new Date(now.getTime() - noteEveryWeeks * 7 * 86_400_000).toISOString();
	let sent = 0;
	const due = await listSilentReaders(deps.db, {
		weeks: silentWeeks,
		reason: nothingMatched,
		note: kind,
		notAfter,
		limit: notesPerRun,
	});
	for (const reader of due) {
		const claimed = await claimReaderNote(deps.db, { readerId: reader.id, kind, now: now.toISOString(), notAfter });
		if (!claimed) continue;
		const preview = await previewKeywords(deps, reader.keywords);
		await ensureLinkTokens(deps, [reader]);
		const message = silentWeeksMail(deps.config, {
			to: reader.email,
			date: now,
			messageKey: `silent.${reader.id}.${now.getTime()}`,
			manageUrl: manageUrl(deps.config, linkTokenFor(deps.config.secret, "manage", reader)),
			unsubscribeUrl: unsubscribeUrl(deps.config, linkTokenFor(deps.config.secret, "unsubscribe", reader)),
			weeks: silentWeeks,
			noteWeeks: noteEveryWeeks,
			topicCounts: preview.topics.map((t) => `${t.keyword}: ${t.count}`).join(", ") || "no topics",
		});
		try {
			await deps.mailer.send(message);
			sent++;
		} catch (error) {
			// Claimed but not sent: the next chance is in twelve weeks, which is fine for a courtesy note.
			deps.log.warn("silent-weeks note failed", { readerId: reader.id, error });
		}
	}
	if (sent) deps.log.info("silent-weeks notes sent", { sent });
	return sent;
}
