import type * as z from "zod";
import {
	type BounceKind,
	type BounceRecipient,
	type BounceReport,
	distinctAddresses,
	isMailbox,
	oneLine,
	statusIn,
} from "../bounces/bounce-report.ts";
import { AppError } from "../errors.ts";

/** The pieces every provider's event becomes part of a BounceReport with. */

/** Parses a provider's event with `schema`; anything else is AppError("invalid_payload"). */
export function readEvent<T>(schema: z.ZodType<T>, event: unknown, provider: string): T {
	const parsed = schema.safeParse(event);
	if (!parsed.success) throw new AppError("invalid_payload", `Not a ${provider} event this version understands`);
	return parsed.data;
}

/** `Name <a@b>` or `a@b` to `a@b`; undefined when it is no mailbox. */
function mailboxOf(value: string): string | undefined {
	const address = (/<([^<>]*)>\s*$/.exec(value)?.[1] ?? value).trim();
	return isMailbox(address) ? address : undefined;
}

/**
 * One recipient of a provider's report. The status is the one given, else the code in the
 * diagnostic, else X.0.0 by kind (5 for hard, 4 for soft); complaints carry none.
 */
export function providerRecipient(
	address: string,
	kind: BounceKind,
	details: { status?: string | null; action?: string; diagnostic?: string | null } = {},
): BounceRecipient | undefined {
	const mailbox = mailboxOf(address);
	if (!mailbox) return undefined;
	// "smtp; 550 5.1.1 …": the type before the semicolon says nothing a reader needs.
	const diagnostic = details.diagnostic ? oneLine(details.diagnostic.replace(/^[\w-]+\s*;\s*/, "")) : undefined;
	const given = /^\s*([245]\.\d{1,3}\.\d{1,3})/.exec(details.status ?? "")?.[1];
	const byKind = kind === "hard" ? "5.0.0" : kind === "soft" ? "4.0.0" : undefined;
	const status =
		kind === "complaint" ? undefined : (given ?? (diagnostic ? statusIn(diagnostic) : undefined) ?? byKind);
	return {
		address: mailbox,
		...(status ? { status } : {}),
		...(details.action ? { action: details.action } : {}),
		...(diagnostic ? { diagnostic } : {}),
	};
}

/** Recipients without the ones that are no mailbox, and without a second one for an address. */
export const recipientsOf = (recipients: (BounceRecipient | undefined)[]): BounceRecipient[] =>
	distinctAddresses(
		recipients.filter((r): r is BounceRecipient => r !== undefined),
		(r) => r.address,
	);

/** A report without the optional fields that have no value. */
export function providerReport(report: BounceReport): BounceReport {
	return Object.fromEntries(Object.entries(report).filter(([, value]) => value !== undefined)) as BounceReport;
}
