/**
 * Readers out of paperboy: the operator's table of readers (`paperboy export`, which
 * `paperboy import` reads back) and one reader's own data ("Download my data").
 */
import { listBouncesOfReader } from "../db/bounces.ts";
import { listDeliveriesForReader } from "../db/deliveries.ts";
import { listVotedPapers } from "../db/paper-votes.ts";
import { listReaders } from "../db/subscribers.ts";
import type { Deps } from "../deps.ts";
import { readerByEmail } from "./find-reader.ts";
import type { Reader, ReaderStatus } from "./reader.ts";

/** The export's columns, in order; `keywords` is written as typed on the form (comma-separated). */
const columns: readonly [string, (r: Reader) => string][] = [
	["email", (r) => r.email],
	["keywords", (r) => r.keywords.join(", ")],
	["status", (r) => r.status],
	["frequency", (r) => r.frequency],
	["consent_at", (r) => r.consent.at],
	["consent_source", (r) => r.consent.source],
	["confirmed_at", (r) => r.confirmedAt ?? ""],
	["unsubscribed_at", (r) => r.unsubscribedAt ?? ""],
];

export interface ReaderTable {
	columns: string[];
	rows: string[][];
}

/**
 * Every reader, those with one of `statuses`, or the one with `email` (not_found when
 * there is none), as a table.
 */
export async function exportReaders(
	deps: Pick<Deps, "db">,
	options: { email?: string; statuses?: readonly ReaderStatus[] } = {},
): Promise<ReaderTable> {
	const readers = options.email
		? [await readerByEmail(deps, options.email)].filter(
				(r) => !options.statuses?.length || options.statuses.includes(r.status),
			)
		: await listReaders(deps.db, { statuses: options.statuses });
	return {
		columns: columns.map(([name]) => name),
		rows: readers.map((reader) => columns.map(([, value]) => value(reader))),
	};
}

/**
 * Everything we hold about a reader: address, topics, the consent record, digest history,
 * votes, and the bounces and complaints their mail system sent about our mail.
 */
export async function readerData(deps: Pick<Deps, "db" | "clock">, reader: Reader) {
	const deliveries = await listDeliveriesForReader(deps.db, reader.id);
	const votes = await listVotedPapers(deps.db, [reader.id]);
	const bounces = await listBouncesOfReader(deps.db, reader.id);
	return {
		exportedAt: deps.clock.now().toISOString(),
		email: reader.email,
		status: reader.status,
		keywords: reader.keywords,
		frequency: reader.frequency,
		timezone: reader.timezone,
		consent: {
			at: reader.consent.at,
			ip: reader.consent.ip,
			userAgent: reader.consent.userAgent,
			formVersion: reader.consent.formVersion,
			source: reader.consent.source,
			confirmedAt: reader.confirmedAt,
			confirmedIp: reader.confirmedIp,
			confirmedUserAgent: reader.confirmedUserAgent,
		},
		unsubscribedAt: reader.unsubscribedAt,
		createdAt: reader.createdAt,
		updatedAt: reader.updatedAt,
		digests: deliveries.map((d) => ({ period: d.period, status: d.status, sentAt: d.sentAt, papers: d.paperIds })),
		// 👍 / 👎 and papers added on the manage page: the profile "Close to papers you liked" is made of.
		papersLiked: votes.map((v) => ({ paper: v.paperId, title: v.title, vote: v.vote, source: v.source, at: v.at })),
		// What a reader's mail system reported about our mail (docs/bounces.md): when, what, and its words.
		bounces,
	};
}

export type ReaderData = Awaited<ReturnType<typeof readerData>>;
