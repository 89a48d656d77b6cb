import { describe, expect, it } from "vitest";
import { trackDeferredWork } from "../../src/core/deferred.ts";
import type { LogFields, Logger } from "../../src/core/deps.ts";

function recordingLogger() {
	const errors: { message: string; fields?: LogFields }[] = [];
	const log: Logger = {
		debug: () => {},
		info: () => {},
		warn: () => {},
		error: (message, fields) => {
			errors.push({ message, fields });
		},
	};
	return { log, errors };
}

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("deferred work (Node's runtime and each Workers invocation)", () => {
	it("waits for every task, including one deferred while it waits", async () => {
		const { log } = recordingLogger();
		const work = trackDeferredWork(log);
		const done: string[] = [];
		work.defer(
			later(10, "first").then((name) => {
				done.push(name);
				work.defer(later(10, "second").then((second) => done.push(second)));
			}),
		);
		await work.idle();
		expect(done).toEqual(["first", "second"]);
		await work.idle();
	});

	it("logs a failure instead of throwing it, and hands each task to the runtime", async () => {
		const { log, errors } = recordingLogger();
		const handed: Promise<unknown>[] = [];
		const work = trackDeferredWork(log, (task) => handed.push(task));
		const boom = new Error("SMTP down");
		work.defer(Promise.reject(boom));
		await work.idle();
		expect(errors).toEqual([{ message: "deferred task failed", fields: { error: boom } }]);
		expect(handed).toHaveLength(1);
		// What waitUntil gets never rejects.
		await expect(handed[0]).resolves.toBeUndefined();
	});
});
