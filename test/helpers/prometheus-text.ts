/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests:
 * every line must be a HELP or TYPE comment, blank, or a sample of a family whose TYPE
 * came first; anything else throws. (The npm parser we tried drops histogram labels.)
 */
export interface Sample {
	name: string;
	labels: Record<string, string>;
	value: number;
}

export interface Exposition {
	types: Map<string, string>;
	samples: Sample[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
const labelPair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"\s*(,|$)/y;
const histogramSuffix = /_(bucket|sum|count)$/;

function parseValue(text: string, line: string): number {
	// Prometheus reads values with Go's ParseFloat: Inf and NaN in any case (prom-client writes "Nan").
	const special = /^([-+]?)(inf|infinity|nan)$/i.exec(text);
	if (special) {
		if (/^nan$/i.test(special[2] as string)) return Number.NaN;
		return special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
	}
	const value = Number(text);
	if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) || Number.isNaN(value)) {
		throw new Error(`not a sample value: ${line}`);
	}
	return value;
}

function parseLabels(text: string, line: string): Record<string, string> {
	const labels: Record<string, string> = {};
	labelPair.lastIndex = 0;
	while (labelPair.lastIndex < text.length) {
		const match = labelPair.exec(text);
		if (!match) throw new Error(`bad labels: ${line}`);
		labels[match[1] as string] = (match[2] as string).replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
	}
	return labels;
}

export function parsePrometheusText(text: string): Exposition {
	const types = new Map<string, string>();
	const samples: Sample[] = [];
	for (const line of text.split("\n")) {
		if (!line.trim()) continue;
		const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
		if (comment) {
			if (!metricName.test(comment[2] as string)) throw new Error(`bad metric name: ${line}`);
			if (comment[1] === "TYPE") {
				if (!/^(counter|gauge|histogram|summary|untyped)$/.test(comment[3] as string))
					throw new Error(`bad type: ${line}`);
				types.set(comment[2] as string, comment[3] as string);
			}
			continue;
		}
		if (line.startsWith("#")) continue;
		const match = sampleLine.exec(line);
		if (!match) throw new Error(`not a sample line: ${line}`);
		const name = match[1] as string;
		const family = types.has(name) ? name : name.replace(histogramSuffix, "");
		if (!types.has(family)) throw new Error(`sample before its TYPE: ${line}`);
		samples.push({ name, labels: parseLabels(match[2] ?? "", line), value: parseValue(match[3] as string, line) });
	}
	return { types, samples };
}

/** The samples of one name, keyed by the values of the labels named (joined with a space). */
export function samplesBy(exposition: Exposition, name: string, ...labels: string[]): Record<string, number> {
	return Object.fromEntries(
		exposition.samples.filter((s) => s.name === name).map((s) => [labels.map((l) => s.labels[l]).join(" "), s.value]),
	);
}
