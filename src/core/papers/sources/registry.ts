/** Every paper source paperboy knows, by name: ingest, the settings and `paperboy ingest` read this list. */
import { arxivSource } from "./arxiv.ts";
import { hfSource } from "./hf.ts";
import type { PaperSource, SettingsOf } from "./paper-source.ts";
import { rssSource } from "./rss.ts";

export const paperSources = {
	hf: hfSource,
	arxiv: arxivSource,
	rss: rssSource,
};

export type SourceName = keyof typeof paperSources;
export const sourceNames = Object.keys(paperSources) as [SourceName, ...SourceName[]];

/** What a source's requests look like, e.g. `{ query, from }` for arxiv. */
export type RequestOf<S extends SourceName> =
	(typeof paperSources)[S] extends PaperSource<infer R, infer _> ? R : never;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type SourceSettingsShape = UnionToIntersection<(typeof paperSources)[SourceName]["settings"]>;

/** Every source's settings in one zod shape (the settings schema spreads it in). */
export const sourceSettingsShape = Object.assign(
	{},
	...Object.values(paperSources).map((source) => source.settings),
) as SourceSettingsShape;

export type SourceSettings = SettingsOf<SourceSettingsShape>;

/** A source by name, as the code that treats every source alike sees it. */
export const paperSource = (name: SourceName): PaperSource<unknown, SourceSettingsShape> =>
	paperSources[name] as PaperSource<unknown, SourceSettingsShape>;
