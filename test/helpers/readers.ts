import { runDigest } from "../../src/core/jobs/run-job.ts";
import { emptyPaperFields, type NormalisedPaper } from "../../src/core/papers/paper.ts";
import { storePapers } from "../../src/core/papers/store.ts";
import { importReaders } from "../../src/core/subscriptions/import.ts";
import type { TestRuntime } from "./runtime.ts";
import type { Received, SmtpSink } from "./smtp-sink.ts";

/** Adds active readers the way `paperboy import` does. */
export async function addReaders(rt: TestRuntime, readers: Record<string, string>) {
	return importReaders(
		rt.deps,
		Object.entries(readers).map(([email, keywords], i) => ({ line: i + 2, email, keywords })),
	);
}

export function paper(
	id: string,
	title: string,
	abstract: string,
	extra: Partial<NormalisedPaper> = {},
): NormalisedPaper {
	return { ...emptyPaperFields, id, title, abstract, absUrl: `https://arxiv.org/abs/${id}`, ...extra };
}

/** Stores papers as first seen at the runtime's current (fake) time. */
export const addPapers = (rt: TestRuntime, papers: NormalisedPaper[]) => storePapers(rt.deps, papers, "test");

/** A reader's status as stored. */
export const readerStatus = async (rt: TestRuntime, email: string) =>
	(await rt.deps.db.selectFrom("subscribers").select("status").where("email", "=", email).executeTakeFirstOrThrow())
		.status;

/** Runs the weekly digest now and returns what the sink received, by recipient. */
export async function weeklyDigests(rt: TestRuntime, sink: SmtpSink): Promise<Map<string, Received>> {
	sink.clear();
	await runDigest(rt.deps, ["weekly"]);
	return new Map(sink.messages.map((m) => [m.envelopeTo[0] ?? "", m]));
}
