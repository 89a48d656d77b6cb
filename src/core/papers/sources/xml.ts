import { XMLParser, XMLValidator } from "fast-xml-parser";
import * as z from "zod";
import { invalidPayload } from "./payload.ts";

export const atomNamespace = "http://www.w3.org/2005/Atom";

// Elements whose content is text to us even when it holds markup: `<title>a <b>b</b></title>`
// stays the literal string instead of becoming a tree, and `<script>` is never a child.
const textElements = ["title", "summary", "description"];
// Always lists, even with one element, so one entry reads like many. By path: an RSS item's
// <link> is text, an Atom entry's <link>s are a list.
const repeatedElements = new Set([
	"feed.entry",
	"feed.entry.author",
	"feed.entry.link",
	"feed.entry.category",
	"rss.channel.item",
	"rss.channel.item.category",
]);

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: "@_",
	// "0" is a title, not a number.
	parseTagValue: false,
	parseAttributeValue: false,
	// Entities are decoded once, by decodeXmlText: no DOCTYPE expansion, numeric references included.
	processEntities: false,
	stopNodes: textElements.map((name) => `*.${name}`),
	isArray: (_name, path) => repeatedElements.has(String(path)),
});

export interface XmlDocument {
	/** The root element's name with its prefix, e.g. "feed" or "rss". */
	rootName: string;
	root: Record<string, unknown>;
}

/** A well-formed XML document with one root element, or an invalid payload saying why not. */
export function parseXmlDocument(text: string): XmlDocument {
	const start = text.trimStart();
	if (!start) throw invalidPayload("the payload is empty");
	if (!start.startsWith("<")) {
		throw invalidPayload(
			`expected XML, found ${/^[[{]/.test(start) ? "JSON" : `text starting "${start.slice(0, 20)}"`}`,
		);
	}
	const valid = XMLValidator.validate(text);
	if (valid !== true) {
		const where = valid.err.line ? ` (line ${valid.err.line}${valid.err.col ? `, column ${valid.err.col}` : ""})` : "";
		throw invalidPayload(`not well-formed XML (truncated or broken): ${valid.err.msg}${where}`);
	}
	let tree: unknown;
	try {
		tree = parser.parse(text);
	} catch (error) {
		throw invalidPayload(`not well-formed XML: ${error instanceof Error ? error.message : String(error)}`, error);
	}
	const elements = Object.entries(tree as Record<string, unknown>).filter(([name]) => !name.startsWith("?"));
	const [first] = elements;
	if (elements.length !== 1 || !first) throw invalidPayload("the XML document does not have exactly one root element");
	const [rootName, root] = first;
	return { rootName, root: typeof root === "object" && root !== null ? (root as Record<string, unknown>) : {} };
}

const xmlEntities: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Raw element content as text: CDATA kept verbatim, XML entities and character references decoded. */
export function decodeXmlText(raw: string): string {
	return raw
		.split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
		.map((part) =>
			part.startsWith("<![CDATA[")
				? part.slice(9, -3)
				: part.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
						if (name.startsWith("#")) {
							const code =
								name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
							return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
						}
						return xmlEntities[name] ?? entity;
					}),
		)
		.join("");
}

/**
 * An element read as text: plain content, or content with attributes (`<title type="html">`).
 * An element with child elements where text belongs is a shape error, not an empty string.
 */
export const xmlText = z
	.union([
		z.string(),
		z
			.record(z.string(), z.string())
			.refine((node) => Object.keys(node).every((key) => key === "#text" || key.startsWith("@_")), {
				message: "expected text, found child elements",
			}),
	])
	.transform((node) => decodeXmlText(typeof node === "string" ? node : (node["#text"] ?? "")));

/** An attribute value (`href`, `term`), entities decoded. */
export const xmlAttribute = z.string().transform(decodeXmlText);

/** The root must be `<name xmlns=…>` (prefix-free, in that namespace when one is given). */
export function expectRoot(doc: XmlDocument, name: string, namespace: string | undefined, what: string): void {
	if (doc.rootName !== name || (namespace && doc.root["@_xmlns"] !== namespace)) {
		throw invalidPayload(`expected ${what}, found <${doc.rootName}> (xmlns ${String(doc.root["@_xmlns"] ?? "none")})`);
	}
}
