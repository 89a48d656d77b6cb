/**
 * The rules every source shares, so a paper looks the same whichever feed brought it:
 * ids without versions, titles on one line, abstracts as plain paragraphs, and only
 * http(s) links. Text is kept as text: LaTeX and stray `<tags>` stay literally (every
 * view escapes them), because rewriting them would change what the authors wrote.
 */
import type { NormalisedPaper } from "./paper.ts";

// Since April 2007 ids are YYMM.NNNN, with five digits from 2015 (`2104.12255`); before,
// `archive(.SC)/YYMMNNN` (`astro-ph/0601001`).
const newStyleId = /^(\d{2})(0[1-9]|1[0-2])\.(\d{4,5})$/;
const oldStyleId = /^[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7}$/;
const arxivUrl = /^https?:\/\/(?:[a-z]+\.)?arxiv\.org\/(?:abs|pdf|html)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;
// C0 controls other than tab and newlines, and DEL: invisible in a title, trouble in an email.
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
// Format characters (bidi overrides and isolates, marks, zero-width spaces, soft hyphens):
// invisible, and able to disguise text in a page or mail. The signup form refuses them;
// ingest drops them. Zero-width (non-)joiners stay: emoji and several scripts need them.
const formatCharacters = /(?![\u200C\u200D])\p{Cf}/gu;

/**
 * The arXiv id of `raw` without its version, or null when it is not one. Accepts bare ids,
 * `arXiv:` and `oai:arXiv.org:` prefixes and abs/pdf/html URLs.
 */
export function arxivIdFrom(raw: string): string | null {
	let id = raw.trim();
	id = arxivUrl.exec(id)?.[1] ?? id;
	id = id
		.replace(/^oai:arxiv\.org:/i, "")
		.replace(/^arxiv:/i, "")
		.replace(/v\d+$/, "");
	const newStyle = newStyleId.exec(id);
	if (newStyle) return (newStyle[3]?.length === 5) === Number(newStyle[1]) >= 15 ? id : null;
	return oldStyleId.test(id) ? id : null;
}

export const arxivLinks = (id: string) => ({
	absUrl: `https://arxiv.org/abs/${id}`,
	pdfUrl: `https://arxiv.org/pdf/${id}`,
});

/** One line: hard wraps (`"Large\n  Multimodal"`) and runs of spaces become one space. */
export function foldLine(text: string): string {
	return text.replace(controlCharacters, "").replace(formatCharacters, "").replace(/\s+/g, " ").trim();
}

/**
 * Hard-wrapped lines joined; paragraphs kept. In arXiv abstracts a blank line or a line
 * that starts indented begins a paragraph, while a plain newline is only a wrap.
 */
export function foldParagraphs(text: string): string {
	return text
		.replace(/\r\n?/g, "\n")
		.replace(controlCharacters, "")
		.replace(formatCharacters, "")
		.trim()
		.split(/\n(?:[ \t]*\n)+|\n[ \t]+/)
		.map(foldLine)
		.filter(Boolean)
		.join("\n\n");
}

/** Each item (an author name, a keyword) folded to one line; empty items dropped. */
export function foldList(names: readonly string[]): string[] {
	return names.map(foldLine).filter(Boolean);
}

/** `"A, B and C"` (arXiv RSS `dc:creator`) as a list of names. */
export function splitAuthorList(list: string): string[] {
	return foldList(list.split(/,|\s+and\s+/).map((name) => name.replace(/^\s*and\s+/, "")));
}

/**
 * The most a stored paper keeps of each field, whatever a source sends: generous for
 * real papers (the longest arXiv abstract is under 2,000 characters; collaborations list
 * thousands of authors), small enough that one bad entry cannot bloat pages or digests.
 */
export const fieldLimits = {
	title: 1_000,
	abstract: 20_000,
	authors: 1_000,
	authorName: 200,
	aiSummary: 5_000,
	aiKeywords: 50,
	aiKeyword: 100,
	url: 2_048,
} as const;

/** Text cut to `max` characters (never inside a surrogate pair), marked with an ellipsis. */
export function clip(text: string, max: number): string {
	if (text.length <= max) return text;
	const end = /[\uD800-\uDBFF]/.test(text[max - 2] ?? "") ? max - 2 : max - 1;
	return `${text.slice(0, end)}\u2026`;
}

const boundedUrl = (url: string | null) => (url && url.length <= fieldLimits.url ? url : null);

/** A paper with every field within fieldLimits; a link too long to be real is dropped. */
export function boundPaper(p: NormalisedPaper): NormalisedPaper {
	return {
		...p,
		title: clip(p.title, fieldLimits.title),
		abstract: clip(p.abstract, fieldLimits.abstract),
		authors: p.authors.slice(0, fieldLimits.authors).map((a) => clip(a, fieldLimits.authorName)),
		absUrl: boundedUrl(p.absUrl),
		pdfUrl: boundedUrl(p.pdfUrl),
		hfUrl: boundedUrl(p.hfUrl),
		codeUrl: boundedUrl(p.codeUrl),
		projectUrl: boundedUrl(p.projectUrl),
		thumbnailUrl: boundedUrl(p.thumbnailUrl),
		aiSummary: p.aiSummary === null ? null : clip(p.aiSummary, fieldLimits.aiSummary),
		aiKeywords:
			p.aiKeywords === null
				? null
				: p.aiKeywords.slice(0, fieldLimits.aiKeywords).map((k) => clip(k, fieldLimits.aiKeyword)),
	};
}

/** A date or time in any form `Date` reads (ISO 8601, RFC 822) as ISO 8601 UTC, or null. */
export function isoTime(raw: string | null | undefined): string | null {
	if (!raw) return null;
	const time = Date.parse(raw);
	return Number.isNaN(time) ? null : new Date(time).toISOString();
}
