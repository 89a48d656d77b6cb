import type { NodeRuntime } from "./runtime.ts";

export interface Scheduler {
	stop(): Promise<void>;
}

/** Placeholder until the ingest and digest jobs land: nothing is scheduled yet. */
export function startScheduler(_runtime: NodeRuntime): Scheduler {
	return { stop: async () => {} };
}
