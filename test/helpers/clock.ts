import type { Clock } from "../../src/core/deps.ts";

/** The only fake in the tests: time. sleep() moves time forward instead of waiting. */
export class FakeClock implements Clock {
	#now: number;
	constructor(start: string | Date = "2026-11-23T08:00:00.000Z") {
		this.#now = new Date(start).getTime();
	}
	now(): Date {
		return new Date(this.#now);
	}
	set(at: string | Date): void {
		this.#now = new Date(at).getTime();
	}
	advance(ms: number): void {
		this.#now += ms;
	}
	async sleep(ms: number): Promise<void> {
		this.#now += ms;
	}
}

export const seconds = (n: number) => n * 1000;
export const minutes = (n: number) => n * 60_000;
export const hours = (n: number) => n * 3600_000;
export const days = (n: number) => n * 86_400_000;
