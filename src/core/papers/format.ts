/** "A, B, C et al." from the authors JSON column; empty when unknown. */
export function authorLine(authorsJson: string, max = 3): string {
	let names: unknown;
	try {
		names = JSON.parse(authorsJson);
	} catch {
		return "";
	}
	if (!Array.isArray(names)) return "";
	const list = names.filter((n): n is string => typeof n === "string");
	return list.length > max ? `${list.slice(0, max).join(", ")} et al.` : list.join(", ");
}

/** The first sentences of an abstract, cut at a word boundary near `max` characters. */
export function snippet(text: string, max = 320): string {
	const flat = text.replace(/\s+/g, " ").trim();
	if (flat.length <= max) return flat;
	const cut = flat.slice(0, max);
	const sentence = cut.lastIndexOf(". ");
	if (sentence > max * 0.6) return cut.slice(0, sentence + 1);
	return `${cut.slice(0, cut.lastIndexOf(" "))}…`;
}
