/**
 * A delivery: one reader's digest for one period, as the outbox (`deliveries`) keeps it.
 * Planned once per reader and period, claimed by one sender at a time, finished once.
 */
import type { DigestReader, ReaderStatus } from "../subscriptions/reader.ts";

export const deliveryStatuses = ["pending", "sending", "sent", "failed", "unknown", "skipped"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export interface Delivery {
	id: number;
	readerId: number;
	/** `weekly:2026-W48` or `daily:2026-11-23`. */
	period: string;
	status: DeliveryStatus;
	/** The papers it offers were first seen in [windowStart, windowEnd). */
	windowStart: string;
	windowEnd: string;
	attempts: number;
	nextAttemptAt: string;
	claimedAt: string | null;
	sentAt: string | null;
	lastError: string | null;
	messageId: string | null;
	/** The papers the digest carried (empty until sent). */
	paperIds: string[];
	createdAt: string;
}

/** A paper matched for a delivery when its period was planned: its row number and why. */
export interface PlannedPaper {
	num: number;
	matched: readonly string[];
}

/** A delivery a sender has claimed, with what it needs to compose and address it. */
export interface ClaimedDelivery {
	id: number;
	period: string;
	windowStart: string;
	windowEnd: string;
	attempts: number;
	/** When it was planned: temporary failures are retried until a period after that. */
	plannedAt: string;
	/** Matched at planning, in rank order; undefined for a row planned before that existed. */
	planned: PlannedPaper[] | undefined;
	reader: DigestReader;
	/** The reader's status now, which may have changed since planning. */
	readerStatus: ReaderStatus;
	suppressed: boolean;
}

/** A planned delivery still to be matched, with what matching needs. */
export interface UnmatchedDelivery {
	id: number;
	period: string;
	reader: DigestReader;
	windowStart: string;
	windowEnd: string;
}

/** How a claimed delivery ended. */
export type DeliveryOutcome =
	| { status: "sent"; at: string; messageId: string; paperIds: readonly string[] }
	| { status: "skipped"; at: string; reason: string }
	/** `uncounted`: the provider asked us to slow down (429); the attempt is given back. */
	| { status: "retry"; at: string; nextAttemptAt: string; error: string; uncounted?: boolean }
	| {
			status: "failed";
			at: string;
			error: string /** A 5.1.x rejection: suppress the address once the outcome is recorded. */;
			bounce?: string;
	  };
