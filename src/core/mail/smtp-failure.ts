import { AppError } from "../errors.ts";
import { relayUnreachable } from "./circuit-breaker.ts";

/** An SMTP client's failure, described the same way by both clients. */
export interface SmtpFailure {
	/** What to record: the server's reply, or what went wrong with the connection. */
	text: string;
	/** The server's reply code, when it answered. */
	replyCode?: number;
	/** The reply refused this message (its recipient or content), not the session (greeting, TLS, login, sender). */
	aboutMessage: boolean;
	/** The relay could not be reached, closed the connection or did not answer in time. */
	unreachable?: boolean;
	cause: unknown;
}

/**
 * What an SMTP failure means for the outbox. A 5xx about this message is final
 * (`rejected`); everything else, including a 5xx at login or to our sender address, is
 * the relay or our settings and worth retrying once that is fixed, rather than failing
 * every reader's delivery for good (`unavailable`).
 */
export function classifySmtpFailure(failure: SmtpFailure): AppError {
	const final = failure.aboutMessage && (failure.replyCode ?? 0) >= 500;
	const error = new AppError(final ? "rejected" : "unavailable", failure.text, {}, { cause: failure.cause });
	return failure.unreachable ? relayUnreachable(error) : error;
}
