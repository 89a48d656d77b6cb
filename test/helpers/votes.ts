/** Reading a digest's 👍 / 👎 links and its "Close to papers you liked" section, for tests. */
import type { Received } from "./smtp-sink.ts";
import { origin } from "./web.ts";

export interface VoteLink {
	/** Path and query, e.g. `/feedback/TOKEN?paper=2612.00101&vote=like`. */
	path: string;
	token: string;
	paper: string;
}

/** The text part's entries, one per paper, each starting "N. Title". */
const entriesOf = (mail: Received) => (mail.parsed.text ?? "").split(/^(?=\d+\. )/m).slice(1);

/** The 👍 or 👎 link the text part carries for the paper with this title. */
export function voteLink(mail: Received, title: string, vote: "like" | "dislike", base = origin): VoteLink {
	const entry = entriesOf(mail).find((e) => e.startsWith(`${e.split(". ")[0]}. ${title}\n`));
	const label = vote === "like" ? "👍 More like this" : "👎 Less like this";
	const url = entry
		?.split("\n")
		.find((line) => line.trim().startsWith(label))
		?.split(": ")[1]
		?.trim();
	if (!url?.startsWith(`${base}/feedback/`)) throw new Error(`no ${vote} link for "${title}" in: ${mail.parsed.text}`);
	const parsed = new URL(url);
	return {
		path: `${parsed.pathname}${parsed.search}`,
		token: parsed.pathname.split("/")[2] ?? "",
		paper: parsed.searchParams.get("paper") ?? "",
	};
}

/** The titles of the "Close to papers you liked" section, in order, with their reasons. */
export function similarSection(mail: Received): { title: string; reason: string }[] {
	const text = mail.parsed.text ?? "";
	const at = text.indexOf("Close to papers you liked\n");
	if (at < 0) return [];
	return entriesOf({ ...mail, parsed: { ...mail.parsed, text: text.slice(at) } }).map((entry) => {
		const lines = entry.split("\n");
		return {
			title: (lines[0] ?? "").replace(/^\d+\. /, ""),
			reason: lines.find((line) => line.trim().startsWith("Close to: "))?.trim() ?? "",
		};
	});
}
