/**
 * Kysely's view of migrations/*.sql. Times are ISO-8601 UTC strings. Rows never leave
 * src/core/db/: each module maps its table's rows to the domain types it imports here.
 */
import type { ColumnType, Generated, Kysely, Selectable } from "kysely";
import type { DeliveryStatus } from "../digest/delivery.ts";
import type { Vote } from "../recommend/profile.ts";
import type { VoteSource } from "../recommend/votes.ts";
import type { TokenPurpose } from "../subscriptions/link-tokens.ts";
import type { Frequency, ReaderStatus } from "../subscriptions/reader.ts";
import type { SuppressionReason } from "../subscriptions/suppress.ts";

export interface Database {
	papers: PapersTable;
	paper_authors: PaperAuthorsTable;
	paper_categories: PaperCategoriesTable;
	acronyms: AcronymsTable;
	subscribers: SubscribersTable;
	tokens: TokensTable;
	deliveries: DeliveriesTable;
	suppressions: SuppressionsTable;
	rate_limits: RateLimitsTable;
	job_runs: JobRunsTable;
	bounces: BouncesTable;
	webhook_replays: WebhookReplaysTable;
	instance: InstanceTable;
	source_health: SourceHealthTable;
	admin_sessions: AdminSessionsTable;
	reader_notes: ReaderNotesTable;
	health_probe: HealthProbeTable;
	mail_outbox: MailOutboxTable;
	term_docs: TermDocsTable;
	paper_votes: PaperVotesTable;
	reader_profiles: ReaderProfilesTable;
	planned_topics: PlannedTopicsTable;
}

export interface MailOutboxTable {
	id: Generated<number>;
	kind: string;
	status: "pending" | "sending" | "sent" | "failed";
	body: string;
	message_id: string;
	attempts: ColumnType<number, number | undefined, number>;
	next_attempt_at: string;
	claimed_at: string | null;
	sent_at: string | null;
	last_error: string | null;
	created_at: string;
	expires_at: string;
	/** The reader it is for; deleting the reader deletes it (migration 0095). */
	subscriber_id: number | null;
}

export interface HealthProbeTable {
	id: number;
	checked_at: string;
}

export type Db = Kysely<Database>;

export interface PapersTable {
	num: Generated<number>;
	id: string;
	title: string;
	abstract: string;
	/** JSON array of author names. */
	authors: string;
	published_at: string | null;
	added_at: string;
	updated_at: string;
	upvotes: number;
	comments: number | null;
	source: string;
	abs_url: string | null;
	pdf_url: string | null;
	hf_url: string | null;
	code_url: string | null;
	code_stars: number | null;
	project_url: string | null;
	thumbnail_url: string | null;
	ai_summary: string | null;
	/** JSON array of strings. */
	ai_keywords: string | null;
	/** JSON array of arXiv categories, primary first. */
	categories: string;
	/** JSON [[last, given], ...]: folded author names (papers/author-names.ts). */
	author_keys: string;
	/** JSON [[short key, short, long key, long], ...]: acronyms the paper defines. */
	acronyms: string;
	derived_version: number;
	/** JSON from recommend/paper-terms.ts: the paper's top terms, weighed at ingest; null until then. */
	top_terms: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Filled by triggers from papers.author_keys (migrations/0020). */
export interface PaperAuthorsTable {
	paper_num: number;
	position: number;
	last: string;
	/** Given names and initials, space-separated. */
	given: string;
}

/** Filled by triggers from papers.categories, lower-cased. */
export interface PaperCategoriesTable {
	paper_num: number;
	category: string;
}

/** The acronym dictionary, counted by triggers from papers.acronyms. */
export interface AcronymsTable {
	short_key: string;
	long_key: string;
	short: string;
	long: string;
	papers: number;
}

export interface SubscribersTable {
	id: Generated<number>;
	email: string;
	status: ReaderStatus;
	/** JSON array of the keywords as the reader typed them. */
	keywords: string;
	frequency: ColumnType<Frequency, Frequency | undefined, Frequency>;
	timezone: string;
	manage_salt: string;
	consent_at: string;
	consent_ip: string | null;
	consent_user_agent: string | null;
	consent_form_version: string;
	consent_source: string;
	confirmed_at: string | null;
	confirm_ip: ColumnType<string | null, string | null | undefined, string | null>;
	confirm_user_agent: ColumnType<string | null, string | null | undefined, string | null>;
	unsubscribed_at: string | null;
	created_at: string;
	updated_at: string;
}

export interface TokensTable {
	hash: string;
	subscriber_id: number;
	purpose: TokenPurpose;
	created_at: string;
	expires_at: string | null;
	used_at: string | null;
	/** A confirm token's signup: JSON array of the keywords, and the consent evidence. */
	signup_keywords: string | null;
	signup_ip: string | null;
	signup_user_agent: string | null;
	signup_form_version: string | null;
}

export interface DeliveriesTable {
	id: Generated<number>;
	subscriber_id: number;
	period: string;
	status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
	window_start: string;
	window_end: string;
	attempts: ColumnType<number, number | undefined, number>;
	next_attempt_at: string;
	claimed_at: string | null;
	sent_at: string | null;
	last_error: string | null;
	message_id: string | null;
	/** JSON array of the paper ids the digest carried. */
	paper_ids: string | null;
	/** JSON [[num, reason, …], …]: the papers matched when the period was planned (NULL until then). */
	planned_papers: ColumnType<string | null, string | null | undefined, string | null>;
	/** Workers: the enqueue chain that put it on the send queue, "<ISO time> <random>" (NULL until then). */
	enqueued_by: ColumnType<string | null, string | null | undefined, string | null>;
	created_at: string;
}

export interface SuppressionsTable {
	email: string;
	reason: SuppressionReason;
	detail: string | null;
	created_at: string;
}

export interface RateLimitsTable {
	key: string;
	window_start: string;
	count: number;
}

export interface JobRunsTable {
	job: string;
	period: string;
	started_at: string;
	finished_at: string | null;
	summary: string | null;
}

export interface BouncesTable {
	id: Generated<number>;
	key: string;
	subscriber_id: number;
	delivery_id: number | null;
	kind: "hard" | "soft" | "complaint";
	status: string | null;
	diagnostic: string | null;
	feedback_type: string | null;
	source: string;
	received_at: string;
}

export interface WebhookReplaysTable {
	key: string;
	until: string;
}

/** One row (id 1): this installation's id, made by its first migration run. */
export interface InstanceTable {
	id: number;
	instance_id: string;
	created_at: string;
}

export interface SourceHealthTable {
	source: string;
	first_run_at: string;
	last_run_at: string;
	last_success_at: string | null;
	last_batch: string | null;
	alarm: "stale" | "same_batch" | null;
	alarm_since: string | null;
	alarm_mailed_at: string | null;
}

/** What digest planning matched per period and keyword (migrations/0090), for the admin topics page. */
export interface PlannedTopicsTable {
	period: string;
	keyword: string;
	/** NULL: a keyword that only excludes (`-survey`). */
	papers: number | null;
	window_start: string;
	window_end: string;
	planned_at: string;
}

/** Signed-in operators (migrations/0055): the hash of each session cookie. */
export interface AdminSessionsTable {
	hash: string;
	created_at: string;
	expires_at: string;
}

/** When a note of each kind last went to a reader (migrations/0056). */
export interface ReaderNotesTable {
	subscriber_id: number;
	kind: string;
	sent_at: string;
}

/** Document frequencies of content terms (recommend/doc-freq.ts); the term '' counts papers. */
export interface TermDocsTable {
	term: string;
	docs: number;
}

export interface PaperVotesTable {
	subscriber_id: number;
	paper_num: number;
	vote: Vote;
	source: VoteSource;
	created_at: string;
	updated_at: string;
}

export interface ReaderProfilesTable {
	subscriber_id: number;
	/** JSON from recommend/term-vector.ts (encodeTermVector): what the weekly run searches with. */
	query: string;
	/** JSON [num, …]: the papers voted on when the query was written, negative for 👎, newest first. */
	voted: Generated<string>;
	version: number;
	updated_at: string;
}

export type PaperRow = Selectable<PapersTable>;
export type SubscriberRow = Selectable<SubscribersTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
