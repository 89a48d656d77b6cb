import type { Config } from "../config.ts";
import { compiledTemplates } from "./compiled-templates.ts";
import { composeMessage } from "./compose-message.ts";
import type { MailMessage } from "./mailer.ts";
import { fillTemplate, type PreparedTemplate, prepareTemplate } from "./template.ts";

const confirmTemplate = prepareTemplate(compiledTemplates.confirm);
const manageLinkTemplate = prepareTemplate(compiledTemplates.manageLink);
const dataLinkTemplate = prepareTemplate(compiledTemplates.dataLink);
const silentWeeksTemplate = prepareTemplate(compiledTemplates.silentWeeks);

interface Common {
	to: string;
	date: Date;
	messageKey: string;
	/** For mail to a confirmed reader: List-Unsubscribe headers. */
	unsubscribeUrl?: string;
}

/** A compiled template filled with `values` (plus subject, base URL, address) and its plain-text twin. */
function transactionalMail(
	config: Config,
	m: Common,
	template: PreparedTemplate,
	subject: string,
	values: Record<string, string>,
	textLines: readonly string[],
): MailMessage {
	const html = fillTemplate(template, { subject, baseUrl: config.baseUrl, email: m.to, ...values });
	const text = textLines.join("\n");
	return composeMessage(config, {
		to: m.to,
		subject,
		html,
		text,
		date: m.date,
		messageKey: m.messageKey,
		...(m.unsubscribeUrl ? { unsubscribeUrl: m.unsubscribeUrl } : {}),
	});
}

/** "1 topic", "3 topics": what the form asked for, without a word of what was typed. */
const topicCount = (n: number) => `${n} topic${n === 1 ? "" : "s"}`;

/**
 * The confirmation. It goes to an address nobody has confirmed yet, so it carries no
 * text from the form (a stranger could type anything into the topics): only how many
 * topics there are; the page the link opens shows them.
 */
export function confirmationMail(
	config: Config,
	m: Common & { confirmUrl: string; topics: number; frequency: string; expiresHours: number },
): MailMessage {
	const topics = topicCount(m.topics);
	const values = { frequency: m.frequency, topics, confirmUrl: m.confirmUrl, expiresHours: String(m.expiresHours) };
	return transactionalMail(config, m, confirmTemplate, "Confirm your paperboy subscription", values, [
		"Confirm your paperboy subscription",
		"",
		`Someone, hopefully you, asked paperboy to send ${m.to} a ${m.frequency} email of new research papers on ${topics}. The link shows them, and you can change them there.`,
		"",
		`Confirm (the link works for ${m.expiresHours} hours):`,
		m.confirmUrl,
		"",
		"If you did not ask for this, ignore this email: without confirmation we will never write to you again.",
	]);
}

export function manageLinkMail(config: Config, m: Common & { manageUrl: string }): MailMessage {
	return transactionalMail(config, m, manageLinkTemplate, "Your paperboy subscription", { manageUrl: m.manageUrl }, [
		"You are already subscribed",
		"",
		`Someone, hopefully you, just entered ${m.to} on the paperboy signup form. This address is already subscribed, so nothing has changed.`,
		"",
		"To change your topics or how often you hear from us, pause, or leave, use your personal link:",
		m.manageUrl,
		"",
		"Keep this link to yourself: anyone who has it can change your subscription. If this was not you, you can ignore this email.",
	]);
}

/** The link to the data page (export, delete), mailed only on the reader's request. */
export function dataLinkMail(config: Config, m: Common & { dataUrl: string; minutes: number }): MailMessage {
	const values = { dataUrl: m.dataUrl, minutes: String(m.minutes) };
	return transactionalMail(config, m, dataLinkTemplate, "Your data at paperboy", values, [
		"Your data at paperboy",
		"",
		`You asked on your subscription page for a link to download or delete what paperboy holds about ${m.to}.`,
		"",
		`Download or delete your data (the link works for ${m.minutes} minutes):`,
		m.dataUrl,
		"",
		"If you did not ask for this, you can ignore this email: nothing changes until the link is used.",
	]);
}

/**
 * The note after weeks without a digest (issue 14 item 3): how much each topic matched
 * lately and the link to broaden them. Goes only to confirmed readers, so their own
 * topics may appear in it.
 */
export function silentWeeksMail(
	config: Config,
	m: Common & { unsubscribeUrl: string; manageUrl: string; weeks: number; noteWeeks: number; topicCounts: string },
): MailMessage {
	const values = {
		manageUrl: m.manageUrl,
		unsubscribeUrl: m.unsubscribeUrl,
		weeks: String(m.weeks),
		noteWeeks: String(m.noteWeeks),
		topicCounts: m.topicCounts,
	};
	return transactionalMail(
		config,
		m,
		silentWeeksTemplate,
		`No new papers on your topics for ${m.weeks} weeks`,
		values,
		[
			`No papers matched your topics for ${m.weeks} weeks`,
			"",
			`That is why you have not heard from us. Over the last four weeks your topics matched: ${m.topicCounts}.`,
			"",
			"Broader or more topics would bring papers again. Your subscription page shows, as you type, what each topic would have matched:",
			m.manageUrl,
			"",
			`We send this note at most once every ${m.noteWeeks} weeks. Unsubscribe: ${m.unsubscribeUrl}`,
		],
	);
}
