/** What bench/worker-entry.ts counts in one invocation, printed as a `BENCH {…}` line for bench/worker.ts. */
export interface Counts {
	kind: "scheduled" | "queue";
	d1: number;
	queueCalls: number;
	enqueued: number;
	fetches: number;
	messages: number;
	steps: number;
	ms: number;
}
