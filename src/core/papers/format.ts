/** "A, B, C et al."; empty when the authors are unknown. */
export function authorLine(names: readonly string[], max = 3): string {
	return names.length > max ? `${names.slice(0, max).join(", ")} et al.` : names.join(", ");
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
