import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { retryDeadline } from "../../src/core/digest/period.ts";
import { AppError } from "../../src/core/errors.ts";
import { levelledLogger, repeatWindowMs } from "../../src/core/logging.ts";
import { breakerGuarded, CircuitBreaker, relayUnreachable } from "../../src/core/mail/circuit-breaker.ts";
import type { MailMessage } from "../../src/core/mail/mailer.ts";
import { FakeClock } from "../helpers/clock.ts";

type Step = { kind: "sent" | "refused" | "unreachable" } | { kind: "wait"; ms: number };
const step: fc.Arbitrary<Step> = fc.oneof(
	fc.constantFrom<Step>({ kind: "sent" }, { kind: "refused" }, { kind: "unreachable" }, { kind: "unreachable" }),
	fc.integer({ min: 0, max: 120_000 }).map((ms): Step => ({ kind: "wait", ms })),
);
const message = {} as MailMessage;

describe("the circuit breaker", () => {
	it("pauses exactly while the last N tries could not reach the relay and the cool-off runs, and says so once per outage", async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(step, { maxLength: 60 }), async (failures, steps) => {
				const clock = new FakeClock();
				// Every line as logged (no collapsing of repeats: the model counts outages).
				const errors: string[] = [];
				const log = { debug() {}, info() {}, warn() {}, error: (text: string) => void errors.push(text) };
				let answer: Step["kind"] = "sent";
				const inner = {
					async send() {
						if (answer === "refused") throw new AppError("rejected", "550 no");
						if (answer === "unreachable") throw relayUnreachable(new AppError("unavailable", "refused connection"));
						return { messageId: "<m>", response: "250 ok" };
					},
				};
				const mailer = breakerGuarded(inner, new CircuitBreaker({ failures, coolOffMs: 60_000 }, clock, log));
				// The model: unreachable tries in a row, when the last one was, and how many outages began.
				let inARow = 0;
				let lastFailure = 0;
				let outages = 0;
				let inOutage = false;
				for (const s of steps) {
					if (s.kind === "wait") {
						clock.advance(s.ms);
						continue;
					}
					const pausedBefore = inARow >= failures && clock.now().getTime() < lastFailure + 60_000;
					expect(mailer.state?.().status).toBe(pausedBefore ? "paused" : "sending");
					answer = s.kind;
					await mailer.send(message).catch(() => undefined);
					if (pausedBefore) continue; // not tried at all
					if (s.kind === "unreachable") {
						inARow++;
						lastFailure = clock.now().getTime();
						if (inARow >= failures && !inOutage) {
							inOutage = true;
							outages++;
						}
					} else {
						inARow = 0;
						inOutage = false;
					}
				}
				expect(errors.length).toBe(outages);
			}),
		);
	});
});

describe("the retry deadline of a delivery", () => {
	it("is whole periods of its own length after it was planned", () => {
		fc.assert(
			fc.property(
				fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }),
				fc.constantFrom("weekly:2026-W48", "daily:2026-11-23"),
				fc.integer({ min: 1, max: 40 }).map((n) => n / 4),
				(planned, period, periods) => {
					const days = period.startsWith("weekly") ? 7 : 1;
					const deadline = retryDeadline(period, planned.toISOString(), periods);
					expect(deadline.getTime() - planned.getTime()).toBe(periods * days * 86_400_000);
				},
			),
		);
	});
});

describe("collapsed log lines", () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it("write each burst of one warning once plus one summary that counts the rest", () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.constantFrom("a", "b"), fc.integer({ min: 0, max: 2 * repeatWindowMs })), {
					maxLength: 40,
				}),
				(events) => {
					const written: string[] = [];
					const log = levelledLogger("info", (event, text) => written.push(`${event} ${text}`));
					for (const [text, gap] of events) {
						vi.advanceTimersByTime(gap);
						log.warn(text);
					}
					vi.advanceTimersByTime(repeatWindowMs);
					// Every warning is in the output: written itself or counted in a summary.
					const counted = written.reduce((sum, line) => {
						const repeats = /repeated (once more|(\d+) more times)/.exec(line);
						return sum + (repeats ? (repeats[2] ? Number(repeats[2]) : 1) : 1);
					}, 0);
					expect(counted).toBe(events.length);
					// Never more than two lines per message per window.
					const summaries = written.filter((l) => l.includes("repeated")).length;
					expect(summaries).toBeLessThanOrEqual(written.length - summaries);
				},
			),
		);
	});
});
