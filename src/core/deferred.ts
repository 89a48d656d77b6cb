import type { Deps, Logger } from "./deps.ts";

export interface DeferredWork {
	/** For `Deps.defer`: a failure is logged, never thrown at anyone. */
	defer: Deps["defer"];
	/** Resolves when nothing deferred is left, including work deferred while waiting. */
	idle(): Promise<void>;
}

/**
 * Work that runs after a response (mail after a signup), tracked so a process or an
 * invocation can wait for it before closing the mail connection. `onDefer` also hands
 * each task to the runtime: on Workers, `ctx.waitUntil`.
 */
export function trackDeferredWork(log: Logger, onDefer?: (task: Promise<unknown>) => void): DeferredWork {
	const pending = new Set<Promise<unknown>>();
	return {
		defer(task) {
			const tracked = task.catch((error: unknown) => log.error("deferred task failed", { error }));
			pending.add(tracked);
			void tracked.finally(() => pending.delete(tracked));
			onDefer?.(tracked);
		},
		async idle() {
			while (pending.size) await Promise.allSettled([...pending]);
		},
	};
}
