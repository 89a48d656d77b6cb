/** The `reader_notes` table: when each kind of note last went to a reader. */
import type { Db } from "./schema.ts";

/**
 * Claims a note for a reader: true (and recorded as sent now) when none of this kind went
 * out after `notAfter`. One upsert, so two runs cannot both claim it.
 */
export async function claimReaderNote(
	db: Db,
	n: { readerId: number; kind: string; now: string; notAfter: string },
): Promise<boolean> {
	const row = await db
		.insertInto("reader_notes")
		.values({ subscriber_id: n.readerId, kind: n.kind, sent_at: n.now })
		.onConflict((oc) =>
			oc
				.columns(["subscriber_id", "kind"])
				.doUpdateSet({ sent_at: n.now })
				.where("reader_notes.sent_at", "<=", n.notAfter),
		)
		.returning("sent_at")
		.executeTakeFirst();
	return row !== undefined;
}
