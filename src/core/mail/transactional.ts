import type { Config } from "../config.ts";
import { compiledTemplates } from "./compiled-templates.ts";
import { composeMessage } from "./compose-message.ts";
import type { MailMessage } from "./mailer.ts";
import { escapeHtml, fillTemplate, prepareTemplate } from "./template.ts";

const confirmTemplate = prepareTemplate(compiledTemplates.confirm);
const manageLinkTemplate = prepareTemplate(compiledTemplates.manageLink);

interface Common {
	to: string;
	date: Date;
	messageKey: string;
}

export function confirmationMail(
	config: Config,
	m: Common & { confirmUrl: string; keywords: readonly string[]; frequency: string; expiresHours: number },
): MailMessage {
	const subject = "Confirm your paperboy subscription";
	const html = fillTemplate(confirmTemplate, {
		subject,
		baseUrl: config.baseUrl,
		email: m.to,
		frequency: m.frequency,
		keywords: `<ul>${m.keywords.map((k) => `<li>${escapeHtml(k)}</li>`).join("")}</ul>`,
		confirmUrl: m.confirmUrl,
		expiresHours: String(m.expiresHours),
	});
	const text = [
		"Confirm your paperboy subscription",
		"",
		`Someone, hopefully you, asked paperboy to send ${m.to} a ${m.frequency} email of new research papers on these topics:`,
		"",
		...m.keywords.map((k) => `  - ${k}`),
		"",
		`Confirm (the link works for ${m.expiresHours} hours):`,
		m.confirmUrl,
		"",
		"If you did not ask for this, ignore this email: without confirmation we will never write to you again.",
	].join("\n");
	return composeMessage(config.mail, { to: m.to, subject, html, text, date: m.date, messageKey: m.messageKey });
}

export function manageLinkMail(config: Config, m: Common & { manageUrl: string }): MailMessage {
	const subject = "Your paperboy subscription";
	const html = fillTemplate(manageLinkTemplate, {
		subject,
		baseUrl: config.baseUrl,
		email: m.to,
		manageUrl: m.manageUrl,
	});
	const text = [
		"You are already subscribed",
		"",
		`Someone, hopefully you, just entered ${m.to} on the paperboy signup form. This address is already subscribed, so nothing has changed.`,
		"",
		"To change your topics or how often you hear from us, pause, or leave, use your personal link:",
		m.manageUrl,
		"",
		"Keep this link to yourself: anyone who has it can change your subscription. If this was not you, you can ignore this email.",
	].join("\n");
	return composeMessage(config.mail, { to: m.to, subject, html, text, date: m.date, messageKey: m.messageKey });
}
