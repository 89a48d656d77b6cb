import { lastWindowEnd } from "../db/deliveries.ts";
import type { Deps } from "../deps.ts";
import type { DigestReader } from "../subscriptions/reader.ts";
import { type ComposedDigest, DigestComposer } from "./digest-composer.ts";

export interface ReaderPreview {
	window: { from: string; to: string };
	/** Undefined when no paper of the window matches the reader's keywords yet. */
	digest: ComposedDigest | undefined;
}

/** The digest this reader would get if it were sent now (manage page, `paperboy preview`). */
export async function previewDigestFor(deps: Deps, reader: DigestReader): Promise<ReaderPreview> {
	const now = deps.clock.now();
	const from =
		(await lastWindowEnd(deps.db, reader.id)) ??
		new Date(now.getTime() - deps.config.digest.firstWindowDays * 86_400_000).toISOString();
	const window = { from, to: new Date(now.getTime() + 1).toISOString() };
	const digest = await new DigestComposer(deps).compose(reader, window);
	return { window, digest };
}
