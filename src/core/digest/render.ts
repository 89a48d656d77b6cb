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

/** A paper no topic matched, close to one the reader liked ("Close to papers you liked"). */
export interface SimilarPaper {
	paper: Paper;
	/** The title of the liked paper it is closest to. */
	closeTo: string;
}

export interface DigestInput {
	email: string;
	frequency: Frequency;
	keywords: readonly string[];
	papers: readonly DigestPaper[];
	/** The second section; none when the reader has no profile or nothing is close. */
	similar?: readonly SimilarPaper[];
	manageUrl: string;
	unsubscribeUrl: string;
	/** The reader's voting link (`/feedback/TOKEN`): each paper's 👍 / 👎 add the paper and the vote. */
	feedbackUrl?: string;
}

export interface RenderedDigest {
	subject: string;
	html: string;
	text: string;
}

// The compiled digest is split once at its markers into a head, one paper block
// (repeated per paper), the heading of the "Close to papers you liked" section and a tail.
function splitDigestTemplate(html: string): {
	head: PreparedTemplate;
	paper: PreparedTemplate;
	similar: PreparedTemplate;
	tail: PreparedTemplate;
} {
	const marks = ["<!--paper:start-->", "<!--paper:end-->", "<!--similar:start-->", "<!--similar:end-->"];
	const at = marks.map((mark) => html.indexOf(mark));
	if (at.some((a, i) => a < 0 || (i > 0 && a < (at[i - 1] as number))))
		throw new Error("digest template lacks its paper and similar markers");
	const [a, b, c, d] = at as [number, number, number, number];
	return {
		head: prepareTemplate(html.slice(0, a)),
		paper: prepareTemplate(html.slice(a + (marks[0] as string).length, b)),
		similar: prepareTemplate(html.slice(c + (marks[2] as string).length, d)),
		tail: prepareTemplate(html.slice(d + (marks[3] as string).length)),
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
function preheader(papers: readonly { paper: Paper }[]): string {
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

export function digestSubject(papers: readonly DigestPaper[], similar = 0): string {
	if (!papers.length) return `${similar} new paper${similar === 1 ? "" : "s"} close to ones you liked`;
	const seen = new Set<string>();
	for (const p of papers) for (const label of p.matched) seen.add(label);
	const count = `${papers.length} new paper${papers.length === 1 ? "" : "s"}`;
	const subject = `${count} ${reasonsPhrase([...seen])}`;
	return subject.length <= 110 ? subject : `${subject.slice(0, 107).trimEnd()}…`;
}

/** What a paper contributes to every digest that carries it: all but the reader's reason and voting links. */
interface PaperParts {
	baseUrl: string;
	/** The paper's HTML block around its `reason` and `feedback` slots (what differs per reader). */
	htmlBefore: string;
	htmlMiddle: string;
	htmlAfter: string;
	/** Its plain-text entry around the reason, after the entry's number. */
	textBefore: string;
	textAfter: string;
	/**
	 * The paper's 👍 / 👎 links around the reader's voting link (three copies of which go
	 * between them): HTML and text, built once per run, so a reader's digest only joins them.
	 */
	votesHtml: readonly [string, string, string];
	votesText: readonly [string, string, string];
}

const thumbsUp = "&#128077;";
const thumbsDown = "&#128078;";

// Papers are shared by every digest of a run (DigestComposer loads each once), so a
// paper's block is escaped, checked and joined once per run instead of once per reader.
const paperParts = new WeakMap<Paper, PaperParts>();

function partsOf(config: Config, paper: Paper): PaperParts {
	const cached = paperParts.get(paper);
	if (cached && cached.baseUrl === config.baseUrl) return cached;
	const url = safeUrl(paper.absUrl) ?? safeUrl(paper.hfUrl) ?? config.baseUrl;
	const authors = authorLine(paper.authors);
	const summary = snippet(paper.abstract);
	const voteQuery = `?paper=${encodeURIComponent(paper.id)}&vote=`;
	const voteQueryHtml = escapeHtmlAscii(voteQuery);
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
	if (
		html.slots.length !== 2 ||
		html.slots[0]?.name !== "reason" ||
		html.slots[0].raw ||
		html.slots[1]?.name !== "feedback" ||
		!html.slots[1].raw
	) {
		throw new Error("the digest's paper block must have a {{reason}} and a {{{feedback}}} slot");
	}
	const textLinks = links.flatMap(({ label, url }) => {
		const safe = safeUrl(url);
		return safe ? [`   ${label}: ${safe}\n`] : [];
	});
	const parts: PaperParts = {
		baseUrl: config.baseUrl,
		// Kept compact (see compactAscii): every digest carrying the paper copies these.
		htmlBefore: compactAscii(html.literals[0] ?? ""),
		htmlMiddle: compactAscii(html.literals[1] ?? ""),
		htmlAfter: compactAscii(html.literals[2] ?? ""),
		textBefore: `${paper.title}\n${authors ? `   ${authors}\n` : ""}   `,
		textAfter: `${paper.upvotes > 0 ? ` · ▲ ${paper.upvotes}` : ""}\n   ${summary}\n${textLinks.join("")}`,
		votesHtml: [
			`${thumbsUp} <a href="`,
			`${voteQueryHtml}like">More like this</a> &middot; ${thumbsDown} <a href="`,
			`${voteQueryHtml}dislike">Less like this</a>`,
		],
		votesText: ["   👍 More like this: ", `${voteQuery}like\n   👎 Less like this: `, `${voteQuery}dislike\n`],
	};
	paperParts.set(paper, parts);
	return parts;
}

/** A reader's voting link, as it goes into their digest's HTML and text; none without one. */
interface VotingLink {
	html: string;
	text: string;
}

/** The 👍 / 👎 links of one paper for one reader: HTML and text. */
function voteLinks(link: VotingLink | undefined, parts: PaperParts): { html: string; text: string } {
	if (!link) return { html: "", text: "" };
	const [h0, h1, h2] = parts.votesHtml;
	const [t0, t1, t2] = parts.votesText;
	return { html: h0 + link.html + h1 + link.html + h2, text: t0 + link.text + t1 + link.text + t2 };
}

/** Fills the compiled MJML for one reader: HTML and a plain-text part with the same papers. */
export function renderDigest(config: Config, d: DigestInput): RenderedDigest {
	const similar = d.similar ?? [];
	const subject = digestSubject(d.papers, similar.length);
	const heading = d.papers.length
		? `${d.papers.length} new paper${d.papers.length === 1 ? "" : "s"} ${periodWord(d.frequency)}`
		: `No new paper matched your topics ${periodWord(d.frequency)}`;
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
	const link = d.feedbackUrl ? { html: escapeHtmlAscii(d.feedbackUrl), text: d.feedbackUrl } : undefined;
	// The HTML is kept 7-bit ASCII (non-ASCII as character references): see asciiHtml.
	let html = fillTemplate(
		template.head,
		{ ...common, heading, intro, preheader: preheader(d.papers.length ? d.papers : similar) },
		escapeHtmlAscii,
	);
	let text = `paperboy: ${heading}\n${intro}\n\n`;
	// Neighbouring papers mostly matched the same keywords: escape each list once.
	let labels = "";
	let escapedLabels = "";
	for (let i = 0; i < d.papers.length; i++) {
		const { paper, matched } = d.papers[i] as DigestPaper;
		const parts = partsOf(config, paper);
		const joined = `Matched: ${matched.join(", ")}`;
		if (i === 0 || joined !== labels) {
			labels = joined;
			escapedLabels = escapeHtmlAscii(joined);
		}
		const votes = voteLinks(link, parts);
		html += parts.htmlBefore + escapedLabels + parts.htmlMiddle + votes.html + parts.htmlAfter;
		text += `${i + 1}. ${parts.textBefore}${labels}${parts.textAfter}${votes.text}\n`;
	}
	if (similar.length) {
		const similarIntro = "New papers none of your topics matched, close to papers you marked 👍 or added.";
		html += fillTemplate(template.similar, { similarIntro }, escapeHtmlAscii);
		text += `Close to papers you liked\n${similarIntro}\n\n`;
		similar.forEach(({ paper, closeTo }, i) => {
			const parts = partsOf(config, paper);
			const reason = `Close to: ${closeTo}`;
			const votes = voteLinks(link, parts);
			html += parts.htmlBefore + escapeHtmlAscii(reason) + parts.htmlMiddle + votes.html + parts.htmlAfter;
			text += `${d.papers.length + i + 1}. ${parts.textBefore}${reason}${parts.textAfter}${votes.text}\n`;
		});
	}
	html += fillTemplate(template.tail, common, escapeHtmlAscii);
	text += `--\n${footer.sender} sends you this ${d.frequency} email because ${d.email} subscribed at ${footer.site} and confirmed, with the topics: ${keywords}.\nChange topics or frequency, or pause: ${d.manageUrl}\nUnsubscribe: ${d.unsubscribeUrl}${config.mail.postalAddress ? `\n${config.mail.postalAddress}` : ""}`;
	return { subject, html, text };
}
