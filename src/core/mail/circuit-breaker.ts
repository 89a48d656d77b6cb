/**
 * Pauses sending while the mail relay cannot be reached. After `failures` connection
 * failures or timeouts in a row (a refusal or a 4xx proves the relay is there, and
 * resets the count), every send fails at once for `coolOffMs` without touching the
 * network; then one more try decides: a success resumes, a failure pauses again. The
 * outage is logged once at error level and once when it ends; health reports it.
 */
import type { Clock, Logger } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { Mailer } from "./mailer.ts";

/** How sending stands, for health checks and the outbox. */
export interface SenderState {
	status: "sending" | "paused";
	/** While paused: what the last attempt ran into. */
	reason?: string;
	/** While paused: since when the relay has been unreachable, and until when nothing is tried. */
	since?: string;
	until?: string;
}

export interface BreakerSettings {
	failures: number;
	coolOffMs: number;
}

/** Errors that say the relay could not be reached (or did not answer), as opposed to refusing. */
const unreachableErrors = new WeakSet<object>();

/** Marks a transport's failure as "the relay could not be reached or timed out". */
export function relayUnreachable<E extends object>(error: E): E {
	unreachableErrors.add(error);
	return error;
}

export const isRelayUnreachable = (error: unknown): boolean =>
	typeof error === "object" && error !== null && unreachableErrors.has(error);

export class CircuitBreaker {
	#inARow = 0;
	#pausedUntil = 0;
	#since: number | undefined;
	#reason = "";

	constructor(
		private readonly settings: BreakerSettings,
		private readonly clock: Clock,
		private readonly log: Logger,
	) {}

	state(): SenderState {
		const now = this.clock.now().getTime();
		if (now >= this.#pausedUntil || this.#since === undefined) return { status: "sending" };
		return {
			status: "paused",
			reason: this.#reason,
			since: new Date(this.#since).toISOString(),
			until: new Date(this.#pausedUntil).toISOString(),
		};
	}

	/** Throws while paused: the send is not attempted, and counts as a temporary failure. */
	check(): void {
		const state = this.state();
		if (state.status === "paused") {
			throw new AppError(
				"unavailable",
				`sending is paused until ${state.until}: the mail relay is unreachable (${state.reason})`,
			);
		}
	}

	succeeded(): void {
		if (this.#since !== undefined) {
			this.log.info("the mail relay answers again: sending resumed", {
				pausedSince: new Date(this.#since).toISOString(),
			});
		}
		this.#inARow = 0;
		this.#since = undefined;
		this.#pausedUntil = 0;
	}

	failed(reason: string): void {
		this.#inARow++;
		this.#reason = reason.slice(0, 300);
		if (this.#inARow < this.settings.failures) return;
		const now = this.clock.now().getTime();
		this.#pausedUntil = now + this.settings.coolOffMs;
		if (this.#since !== undefined) return;
		this.#since = now;
		this.log.error("the mail relay is unreachable: sending is paused and retried by itself", {
			failuresInARow: this.#inARow,
			pausedForSeconds: this.settings.coolOffMs / 1000,
			reason: this.#reason,
		});
	}
}

/**
 * A mailer behind a breaker: failures the transport marked unreachable count, any answer
 * from the relay (sent, refused, 4xx) resets the count.
 */
export function breakerGuarded(mailer: Mailer, breaker: CircuitBreaker): Mailer {
	return {
		async send(message) {
			breaker.check();
			try {
				const result = await mailer.send(message);
				breaker.succeeded();
				return result;
			} catch (error) {
				if (isRelayUnreachable(error)) breaker.failed(error instanceof Error ? error.message : String(error));
				else breaker.succeeded();
				throw error;
			}
		},
		state: () => breaker.state(),
		...(mailer.close ? { close: () => mailer.close?.() ?? Promise.resolve() } : {}),
		...(mailer.abort ? { abort: () => mailer.abort?.() } : {}),
		...(mailer.batchSize ? { batchSize: mailer.batchSize } : {}),
	};
}
