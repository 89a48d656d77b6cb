import { type Config, senderAddress } from "../config.ts";
import { compiledTemplates } from "../mail/compiled-templates.ts";
import {
	asciiHtml,
	compactAscii,
	escapeHtml,
	escapeHtmlAscii,
	fillTemplate,
	linkList,
	type PreparedTemplate,
	partialFill,
	prepareTemplate,
} from "../mail/template.ts";
import { authorLine, snippet } from "../papers/format.ts";
import type { Paper } from "../papers/paper.ts";
import { safeUrl } from "../safe-url.ts";
import type { Frequency } from "../subscriptions/reader.ts";

export interface DigestPaper {
	paper: Paper;
	/** The reader's keywords that matched this paper. */
	matched: readonly string[];
}

export interface DigestInput {
	email: string;
	frequency: Frequency;
	keywords: readonly string[];
	papers: readonly DigestPaper[];
	manageUrl: string;
	unsubscribeUrl: string;
}

export interface RenderedDigest {
	subject: string;
	html: string;
	text: string;
}

// The compiled digest is split once at its paper markers into a head, one paper block
// (repeated per paper) and a tail.
function splitDigestTemplate(html: string): {
	head: PreparedTemplate;
	paper: PreparedTemplate;
	tail: PreparedTemplate;
} {
	const start = "<!--paper:start-->";
	const end = "<!--paper:end-->";
	const a = html.indexOf(start);
	const b = html.indexOf(end);
	if (a < 0 || b < a) throw new Error("digest template lacks its paper markers");
	return {
		head: prepareTemplate(html.slice(0, a)),
		paper: prepareTemplate(html.slice(a + start.length, b)),
		tail: prepareTemplate(html.slice(b + end.length)),
	};
}

/**
 * MJML indents its output generously: a third of each paper block is indentation, and a
 * 20-paper digest is sent 100,000 times a week. A run of whitespace that holds a line
 * break renders exactly as a single line break does (no <pre> or pre-wrap styles here),
 * so those runs are cut once, at load. Smaller messages cost less to encode and send.
 * Line breaks are CRLF, as mail wants them: with ASCII values (escapeHtmlAscii) the
 * HTML can then go out as 7-bit text, unencoded.
 */
const collapseIndentation = (html: string) =>
	// A line may not start with "." (SMTP would have to double it): CSS rules keep one space.
	html.replace(/[ \t]*\r?\n\s*/g, "\r\n").replaceAll("\r\n.", "\r\n .");

const template = splitDigestTemplate(collapseIndentation(compiledTemplates.digest));

const periodWord = (frequency: Frequency) => (frequency === "daily" ? "today" : "this week");

function paperLinks(p: Paper) {
	const code = p.codeStars ? `Code (★ ${p.codeStars})` : "Code";
	return [
		{ label: "arXiv", url: p.absUrl },
		{ label: "PDF", url: p.pdfUrl },
		{ label: "Hugging Face", url: p.hfUrl },
		{ label: code, url: p.codeUrl },
		{ label: "Project page", url: p.projectUrl },
	];
}

// Author and category reasons bring their own word (`by Albert Gu`, `in cs.CL`); keywords take "on".
const ownPreposition = /^(by|in) /;

/** "on a and b", "by Albert Gu and on diffusion": one "on" for a run of keywords. */
function reasonsPhrase(reasons: readonly string[]): string {
	const shown = reasons.length <= 2 ? reasons : reasons.slice(0, 2);
	const phrased = shown.map((reason, i) => {
		if (ownPreposition.test(reason)) return reason;
		const previous = shown[i - 1];
		return previous !== undefined && !ownPreposition.test(previous) ? reason : `on ${reason}`;
	});
	return reasons.length <= 2 ? phrased.join(" and ") : `${phrased.join(", ")} and ${reasons.length - 2} more`;
}

/** What inbox lists show after the subject: the first titles (no hidden low-contrast text, see the template). */
function preheader(papers: readonly DigestPaper[]): string {
	const titles = papers
		.slice(0, 2)
		.map((p) => p.paper.title.replace(/\s+/g, " ").trim())
		.join(" · ");
	const more = papers.length > 2 ? ` · and ${papers.length - 2} more` : "";
	const room = 150 - more.length;
	return `${titles.length <= room ? titles : `${titles.slice(0, room - 1).trimEnd()}…`}${more}`;
}

/** "paperboy" from `paperboy <digest@example.org>`; the address when there is no name. */
function senderName(from: string): string {
	const name = /^\s*"?([^"<]*?)"?\s*</.exec(from)?.[1]?.trim();
	return name || senderAddress(from) || from;
}

/** The footer's who, why and where: the same for every digest of a run. */
function footerParts(config: Config) {
	const postal = config.mail.postalAddress;
	return {
		sender: senderName(config.mail.from),
		site: new URL(config.baseUrl).host,
		postalAddress: postal ? `<p style="margin:0">${escapeHtmlAscii(postal)}</p>` : "",
	};
}

export function digestSubject(papers: readonly DigestPaper[]): string {
	const seen = new Set<string>();
	for (const p of papers) for (const label of p.matched) seen.add(label);
	const count = `${papers.length} new paper${papers.length === 1 ? "" : "s"}`;
	const subject = `${count} ${reasonsPhrase([...seen])}`;
	return subject.length <= 110 ? subject : `${subject.slice(0, 107).trimEnd()}…`;
}

/** What a paper contributes to every digest that carries it: all but the reader's matched keywords. */
interface PaperParts {
	baseUrl: string;
	/** The paper's HTML block around its `matched` slot (the only value that differs per reader). */
	htmlBefore: string;
	htmlAfter: string;
	/** Its plain-text entry around the matched keywords, after the entry's number. */
	textBefore: string;
	textAfter: string;
}

// Papers are shared by every digest of a run (DigestComposer loads each once), so a
// paper's block is escaped, checked and joined once per run instead of once per reader.
const paperParts = new WeakMap<Paper, PaperParts>();

function partsOf(config: Config, paper: Paper): PaperParts {
	const cached = paperParts.get(paper);
	if (cached && cached.baseUrl === config.baseUrl) return cached;
	const url = safeUrl(paper.absUrl) ?? safeUrl(paper.hfUrl) ?? config.baseUrl;
	const authors = authorLine(paper.authors);
	const summary = snippet(paper.abstract);
	const links = paperLinks(paper);
	const html = partialFill(
		template.paper,
		{
			upvotes: paper.upvotes > 0 ? ` &middot; &#9650; ${escapeHtml(String(paper.upvotes))}` : "",
			url,
			title: paper.title,
			authors,
			snippet: summary,
			links: asciiHtml(linkList(links)),
		},
		escapeHtmlAscii,
	);
	if (html.slots.length !== 1 || html.slots[0]?.name !== "matched" || html.slots[0].raw) {
		throw new Error("the digest's paper block must have exactly one {{matched}} slot");
	}
	const textLinks = links.flatMap(({ label, url }) => {
		const safe = safeUrl(url);
		return safe ? [`   ${label}: ${safe}\n`] : [];
	});
	const parts: PaperParts = {
		baseUrl: config.baseUrl,
		// Kept compact (see compactAscii): every digest carrying the paper copies these.
		htmlBefore: compactAscii(html.literals[0] ?? ""),
		htmlAfter: compactAscii(html.literals[1] ?? ""),
		textBefore: `${paper.title}\n${authors ? `   ${authors}\n` : ""}   Matched: `,
		textAfter: `${paper.upvotes > 0 ? ` · ▲ ${paper.upvotes}` : ""}\n   ${summary}\n${textLinks.join("")}\n`,
	};
	paperParts.set(paper, parts);
	return parts;
}

/** Fills the compiled MJML for one reader: HTML and a plain-text part with the same papers. */
export function renderDigest(config: Config, d: DigestInput): RenderedDigest {
	const subject = digestSubject(d.papers);
	const heading = `${d.papers.length} new paper${d.papers.length === 1 ? "" : "s"} ${periodWord(d.frequency)}`;
	const keywords = d.keywords.join(", ");
	const intro = `Matched against your topics: ${keywords}.`;
	const footer = footerParts(config);
	const common = {
		subject,
		baseUrl: config.baseUrl,
		email: d.email,
		frequency: d.frequency,
		keywords,
		manageUrl: d.manageUrl,
		unsubscribeUrl: d.unsubscribeUrl,
		...footer,
	};
	// The HTML is kept 7-bit ASCII (non-ASCII as character references): see asciiHtml.
	let html = fillTemplate(
		template.head,
		{ ...common, heading, intro, preheader: preheader(d.papers) },
		escapeHtmlAscii,
	);
	let text = `paperboy: ${heading}\n${intro}\n\n`;
	// Neighbouring papers mostly matched the same keywords: escape each list once.
	let labels = "";
	let escapedLabels = "";
	for (let i = 0; i < d.papers.length; i++) {
		const { paper, matched } = d.papers[i] as DigestPaper;
		const parts = partsOf(config, paper);
		const joined = matched.join(", ");
		if (i === 0 || joined !== labels) {
			labels = joined;
			escapedLabels = escapeHtmlAscii(joined);
		}
		html += parts.htmlBefore + escapedLabels + parts.htmlAfter;
		text += `${i + 1}. ${parts.textBefore}${labels}${parts.textAfter}`;
	}
	html += fillTemplate(template.tail, common, escapeHtmlAscii);
	text += `--\n${footer.sender} sends you this ${d.frequency} email because ${d.email} subscribed at ${footer.site} and confirmed, with the topics: ${keywords}.\nChange topics or frequency, or pause: ${d.manageUrl}\nUnsubscribe: ${d.unsubscribeUrl}${config.mail.postalAddress ? `\n${config.mail.postalAddress}` : ""}`;
	return { subject, html, text };
}
