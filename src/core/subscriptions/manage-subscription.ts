import { listDeliveriesForSubscriber } from "../db/deliveries.ts";
import type { SubscriberRow } from "../db/schema.ts";
import {
	deleteSubscriber,
	resubscribeSubscriber,
	unsubscribeSubscriber,
	updateSubscriberPreferences,
} from "../db/subscribers.ts";
import { findTokenWithSubscriber } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { DeleteForm, ManageForm } from "./form-schemas.ts";
import { checkCsrfToken, csrfTokenFor, hashToken, tokenPattern } from "./link-tokens.ts";

export interface ManageSession {
	subscriber: SubscriberRow;
	keywords: string[];
	manageToken: string;
	csrf: string;
}

async function findByManageToken(deps: Deps, token: string): Promise<SubscriberRow | undefined> {
	if (!tokenPattern.test(token)) return undefined;
	return (await findTokenWithSubscriber(deps.db, hashToken(token), "manage"))?.subscriber;
}

/** The reader behind a manage link, or not_found. */
export async function openManageSession(deps: Deps, token: string): Promise<ManageSession> {
	const subscriber = await findByManageToken(deps, token);
	if (!subscriber) throw new AppError("not_found", "This link is not valid, or the subscription was deleted.");
	return {
		subscriber,
		keywords: JSON.parse(subscriber.keywords) as string[],
		manageToken: token,
		csrf: csrfTokenFor(deps.config.secret, token),
	};
}

async function authorise(deps: Deps, token: string, csrf: string): Promise<ManageSession> {
	const session = await openManageSession(deps, token);
	if (!checkCsrfToken(deps.config.secret, token, csrf)) {
		throw new AppError("forbidden", "This form has expired. Reload the page and try again.");
	}
	return session;
}

export async function updatePreferences(deps: Deps, token: string, form: ManageForm): Promise<ManageSession> {
	const session = await authorise(deps, token, form.csrf);
	const now = deps.clock.now().toISOString();
	await updateSubscriberPreferences(
		deps.db,
		session.subscriber.id,
		{ keywords: JSON.stringify(form.keywords), frequency: form.frequency, paused: form.paused },
		now,
	);
	return openManageSession(deps, token);
}

/**
 * RFC 8058 one-click and the unsubscribe button both land here. The link itself is the
 * credential; there is no CSRF token to check, and repeating it changes nothing.
 * Returns false when the link belongs to no subscription (e.g. the data was deleted).
 */
export async function unsubscribe(deps: Deps, token: string): Promise<boolean> {
	const subscriber = await findByManageToken(deps, token);
	if (!subscriber) return false;
	await unsubscribeSubscriber(deps.db, subscriber.id, deps.clock.now().toISOString());
	if (subscriber.status !== "unsubscribed") deps.log.info("unsubscribed", { subscriberId: subscriber.id });
	return true;
}

export async function resubscribe(deps: Deps, token: string, csrf: string): Promise<ManageSession> {
	const session = await authorise(deps, token, csrf);
	await resubscribeSubscriber(deps.db, session.subscriber.id, deps.clock.now().toISOString());
	return openManageSession(deps, token);
}

/** Everything we hold about the reader, for "download my data". */
export async function exportSubscriberData(deps: Deps, token: string) {
	const { subscriber: s, keywords } = await openManageSession(deps, token);
	const deliveries = await listDeliveriesForSubscriber(deps.db, s.id);
	return {
		exportedAt: deps.clock.now().toISOString(),
		email: s.email,
		status: s.status,
		keywords,
		frequency: s.frequency,
		timezone: s.timezone,
		consent: {
			at: s.consent_at,
			ip: s.consent_ip,
			userAgent: s.consent_user_agent,
			formVersion: s.consent_form_version,
			source: s.consent_source,
			confirmedAt: s.confirmed_at,
		},
		unsubscribedAt: s.unsubscribed_at,
		createdAt: s.created_at,
		updatedAt: s.updated_at,
		digests: deliveries.map((d) => ({
			period: d.period,
			status: d.status,
			sentAt: d.sent_at,
			papers: d.paper_ids ? (JSON.parse(d.paper_ids) as string[]) : [],
		})),
	};
}

export type SubscriberExport = Awaited<ReturnType<typeof exportSubscriberData>>;

/** Deletes the reader and, by cascade, their tokens and digest history. */
export async function deleteSubscriberData(deps: Deps, token: string, form: DeleteForm): Promise<void> {
	const session = await authorise(deps, token, form.csrf);
	if (form.confirm !== "yes") {
		throw new AppError("invalid_input", "Not deleted.", {
			confirm: "Tick the box to confirm that everything should be deleted.",
		});
	}
	await deleteSubscriber(deps.db, session.subscriber.id);
	deps.log.info("subscriber deleted", { subscriberId: session.subscriber.id });
}
