/**
 * The measured passes of the benchmark besides the job itself: matching and rendering
 * for every reader with the real code, and the naive ways on samples (one FTS5 query per
 * reader, a per-reader loop over papers, mjml2html per digest, nodemailer with its
 * defaults), each timed in the same run so they can be compared as ratios.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import mjml2html from "mjml";
import nodemailer from "nodemailer";
import type { Config } from "../src/core/config.ts";
import { matchPaperNums } from "../src/core/db/papers.ts";
import type { Deps } from "../src/core/deps.ts";
import { DigestComposer } from "../src/core/digest/digest-composer.ts";
import { type DigestInput, renderDigest } from "../src/core/digest/render.ts";
import { composeMessage } from "../src/core/mail/compose-message.ts";
import type { MailMessage } from "../src/core/mail/mailer.ts";
import { escapeHtml, fillTemplate, prepareTemplate } from "../src/core/mail/template.ts";
import { authorLine, snippet } from "../src/core/papers/format.ts";
import type { Paper } from "../src/core/papers/paper.ts";
import { linkTokenFor } from "../src/core/subscriptions/link-tokens.ts";
import { feedbackUrl, manageUrl, unsubscribeUrl } from "../src/core/subscriptions/links.ts";
import type { Reader } from "../src/core/subscriptions/reader.ts";
import { topicQuery } from "../src/core/topics/fts.ts";
import { parseKeywords, words } from "../src/core/topics/parse.ts";
import { createSmtpPoolMailer } from "../src/node/smtp-pool-mailer.ts";

/** Readers whose profiles one read brings in: the outbox's claim batch (50 at the default pool size). */
const batch = 50;

const cpuMs = () => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
};

export interface Window {
	from: string;
	to: string;
}

export interface MatchRenderResult {
	readers: number;
	digests: number;
	/** The warm-up pass: matching every reader once before anything is timed, seconds. */
	matchColdS: number;
	/** Matching every reader with a fresh DigestComposer.papersFor (FTS5 queries included), seconds. */
	matchS: number;
	/** The CPU time of matchS and of matchRecommendS (the process's, user + system), seconds. */
	matchCpuS: number;
	matchRecommendCpuS: number;
	/** Distinct topic lookups (FTS5 query pairs, author and category lookups) the matcher made for all readers. */
	ftsQueries: number;
	/**
	 * Matching and recommending ("Close to papers you liked") for every reader with a fresh
	 * composer, profiles read a batch of 50 readers at a time as the outbox does, seconds.
	 */
	matchRecommendS: number;
	/** Readers the recommender gave at least one paper, and the papers it gave in all. */
	recommended: { readers: number; papers: number };
	/** Postings the candidate indexes visited, and query terms left out by the search budget. */
	recommendWork: { searches: number; postings: number; skippedTerms: number };
	renderUsPerDigest: number;
	avgPapers: number;
	avgHtmlKb: number;
	/** A spread of rendered inputs, for the baselines that need digests. */
	samples: DigestInput[];
}

/**
 * Matching for every reader, timed as one pass with the real composer (what the job
 * does per reader, FTS5 queries included); then rendering every digest with the real
 * renderer, each call timed (matching again, untimed, to get its input).
 */
export async function matchAndRender(
	deps: Deps,
	readers: readonly Reader[],
	window: Window,
	sampleCount: number,
	progress: (line: string) => void,
): Promise<MatchRenderResult> {
	// A first, untimed pass warms SQLite's and the system's caches and the JIT, so that
	// neither timed pass below pays for them and their difference is the recommender's.
	const cold = new DigestComposer(deps);
	const tc = performance.now();
	for (const reader of readers) await cold.papersFor(reader, window);
	const matchColdS = (performance.now() - tc) / 1000;
	progress(`bench: matched ${readers.length.toLocaleString("en")} readers (warm-up) in ${matchColdS.toFixed(2)} s`);

	const matcher = new DigestComposer(deps);
	const t0 = performance.now();
	const c0 = cpuMs();
	for (const reader of readers) await matcher.papersFor(reader, window);
	const matchCpuS = (cpuMs() - c0) / 1000;
	const matchS = (performance.now() - t0) / 1000;
	progress(`bench: matched ${readers.length.toLocaleString("en")} readers in ${matchS.toFixed(2)} s`);

	// The same, recommending too (issue 13): before and after in one run.
	const both = new DigestComposer(deps);
	const recommended = { readers: 0, papers: 0 };
	const t1 = performance.now();
	const c1 = cpuMs();
	for (let i = 0; i < readers.length; i += batch) {
		const group = readers.slice(i, i + batch);
		await both.prepare(group.map((r) => r.id));
		for (const reader of group) {
			const similar = await both.similarFor(reader, window, await both.papersFor(reader, window));
			if (similar.length) recommended.readers++;
			recommended.papers += similar.length;
		}
	}
	const matchRecommendS = (performance.now() - t1) / 1000;
	const matchRecommendCpuS = (cpuMs() - c1) / 1000;
	progress(
		`bench: matched and recommended for ${readers.length.toLocaleString("en")} readers in ${matchRecommendS.toFixed(2)} s (${recommended.readers.toLocaleString("en")} got recommendations)`,
	);

	const composer = new DigestComposer(deps);
	const every = Math.max(1, Math.floor(readers.length / sampleCount));
	const samples: DigestInput[] = [];
	let renderMs = 0;
	let digests = 0;
	let papers = 0;
	let htmlBytes = 0;
	for (const [i, s] of readers.entries()) {
		if (i % batch === 0) await composer.prepare(readers.slice(i, i + batch).map((r) => r.id));
		const matched = await composer.papersFor(s, window);
		const similar = await composer.similarFor(s, window, matched);
		if (i % 20_000 === 19_999) progress(`bench: rendered ${i + 1}/${readers.length}`);
		if (!matched.length && !similar.length) continue;

		const input: DigestInput = {
			email: s.email,
			frequency: s.frequency,
			keywords: s.keywords,
			papers: matched,
			similar,
			feedbackUrl: feedbackUrl(deps.config, linkTokenFor(deps.config.secret, "feedback", s)),
			manageUrl: manageUrl(deps.config, linkTokenFor(deps.config.secret, "manage", s)),
			unsubscribeUrl: unsubscribeUrl(deps.config, linkTokenFor(deps.config.secret, "unsubscribe", s)),
		};
		const t = performance.now();
		const rendered = renderDigest(deps.config, input);
		renderMs += performance.now() - t;
		digests++;
		papers += matched.length;
		htmlBytes += rendered.html.length + rendered.text.length;
		if (i % every === 0 && samples.length < sampleCount) samples.push(input);
	}
	return {
		readers: readers.length,
		digests,
		matchColdS,
		matchS,
		matchCpuS,
		matchRecommendCpuS,
		ftsQueries: matcher.queries,
		matchRecommendS,
		recommended,
		recommendWork: {
			searches: both.recommender.work.searches,
			postings: both.recommender.work.postings,
			skippedTerms: both.recommender.work.skippedTerms,
		},
		renderUsPerDigest: digests ? (renderMs * 1000) / digests : 0,
		avgPapers: digests ? papers / digests : 0,
		avgHtmlKb: digests ? htmlBytes / digests / 1024 : 0,
		samples,
	};
}

const spread = <T>(list: readonly T[], count: number): T[] => {
	const every = Math.max(1, Math.floor(list.length / count));
	return list.filter((_, i) => i % every === 0).slice(0, count);
};

/**
 * Naive way 1: one FTS5 query per reader (all their topics' words OR-ed), extrapolated to
 * all readers. Author and category topics are left out, so it does less than the matcher.
 */
export async function perReaderQuery(
	deps: Deps,
	readers: readonly Reader[],
	window: Window,
	sample: number,
): Promise<{ sample: number; msPerReader: number; extrapolatedS: number }> {
	const chosen = spread(readers, sample);
	const t0 = performance.now();
	for (const s of chosen) {
		const k = parseKeywords(s.keywords);
		const worded = k.topics.filter((t) => t.anyOf.length);
		if (!worded.length) continue;
		const match = worded.map((t) => `(${topicQuery(t, k.globalNoneOf)})`).join(" OR ");
		await matchPaperNums(deps.db, match, window.from, window.to);
	}
	const msPerReader = (performance.now() - t0) / chosen.length;
	return { sample: chosen.length, msPerReader, extrapolatedS: (msPerReader * readers.length) / 1000 };
}

/**
 * Naive way 2: for each reader, a loop over every paper checking each of their topics
 * (phrase containment in the paper's words, prepared once outside the timing; no
 * stemming, so it does less than FTS5 does).
 */
export function perReaderLoop(
	papers: readonly Paper[],
	readers: readonly Reader[],
	window: Window,
	sample: number,
	limit: number,
): { sample: number; msPerReader: number; extrapolatedS: number } {
	const chosen = spread(readers, sample);
	const texts = papers
		.filter((p) => p.addedAt >= window.from && p.addedAt < window.to)
		.map((paper) => ({ paper, text: ` ${words(`${paper.title} ${paper.abstract}`).join(" ")} ` }));
	const t0 = performance.now();
	for (const s of chosen) {
		const k = parseKeywords(s.keywords);
		const found: { paper: Paper; matched: string[] }[] = [];
		for (const { paper, text } of texts) {
			const has = (phrase: readonly string[]) => text.includes(` ${phrase.join(" ")} `);
			if (k.globalNoneOf.some(has)) continue;
			const matched = k.topics.filter((t) => t.anyOf.some(has) && !t.noneOf.some(has)).map((t) => t.label);
			if (matched.length) found.push({ paper, matched });
		}
		found.sort((a, b) => b.matched.length - a.matched.length || b.paper.upvotes - a.paper.upvotes);
		found.length = Math.min(found.length, limit);
	}
	const msPerReader = (performance.now() - t0) / chosen.length;
	return { sample: chosen.length, msPerReader, extrapolatedS: (msPerReader * readers.length) / 1000 };
}

const templatePath = fileURLToPath(new URL("../templates/digest.mjml", import.meta.url));

/**
 * The MJML source of one reader's digest: the template with its paper section repeated
 * and filled (the "close to papers you liked" heading left out, so it does less than the
 * real renderer).
 */
function digestMjml(config: Config, d: DigestInput): string {
	const source = readFileSync(templatePath, "utf8");
	const at = (mark: string) => source.indexOf(`<!--${mark}-->`);
	const head = prepareTemplate(source.slice(0, at("paper:start")));
	const paper = prepareTemplate(source.slice(at("paper:start"), at("paper:end")));
	const tail = prepareTemplate(source.slice(at("similar:end")));
	const common = {
		subject: `${d.papers.length} new papers`,
		email: d.email,
		frequency: d.frequency,
		keywords: d.keywords.join(", "),
		manageUrl: d.manageUrl,
		unsubscribeUrl: d.unsubscribeUrl,
		baseUrl: config.baseUrl,
		sender: "paperboy",
		site: new URL(config.baseUrl).host,
		postalAddress: "",
	};
	let out = fillTemplate(head, {
		...common,
		heading: `${d.papers.length} new papers this week`,
		intro: "Matched.",
		preheader: d.papers
			.slice(0, 2)
			.map((p) => p.paper.title)
			.join(" · "),
	});
	for (const { paper: p, matched } of d.papers) {
		out += fillTemplate(paper, {
			reason: `Matched: ${matched.join(", ")}`,
			upvotes: p.upvotes > 0 ? ` &middot; &#9650; ${p.upvotes}` : "",
			url: p.absUrl ?? config.baseUrl,
			title: p.title,
			authors: authorLine(p.authors),
			snippet: snippet(p.abstract),
			links: [p.absUrl, p.pdfUrl, p.hfUrl, p.codeUrl]
				.filter((u): u is string => Boolean(u))
				.map((u) => `<a href="${escapeHtml(u)}">link</a>`)
				.join(" &middot; "),
			feedback: "",
		});
	}
	return out + fillTemplate(tail, common);
}

/** Naive render: mjml2html per digest (what compiling the template once avoids). */
export async function mjmlPerDigest(
	config: Config,
	samples: readonly DigestInput[],
): Promise<{ sample: number; msPerDigest: number }> {
	// The first call loads and warms MJML's components; do not count it.
	const first = samples[0];
	if (first) await mjml2html(digestMjml(config, first), { filePath: templatePath });
	const t0 = performance.now();
	for (const d of samples) {
		const result = await mjml2html(digestMjml(config, d), { filePath: templatePath });
		if (!result.html) throw new Error("mjml2html returned no HTML");
	}
	return { sample: samples.length, msPerDigest: (performance.now() - t0) / Math.max(1, samples.length) };
}

export interface SendResult {
	messages: number;
	perSecond: number;
	cpuMsPerMessage: number;
}

async function sendAll(
	messages: readonly MailMessage[],
	concurrency: number,
	send: (m: MailMessage) => Promise<unknown>,
): Promise<SendResult> {
	const cpu0 = cpuMs();
	const t0 = performance.now();
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < messages.length) await send(messages[next++] as MailMessage);
		}),
	);
	const s = (performance.now() - t0) / 1000;
	return {
		messages: messages.length,
		perSecond: messages.length / s,
		cpuMsPerMessage: (cpuMs() - cpu0) / messages.length,
	};
}

/** The digest messages the job would send for these samples (same composer code as sendDelivery). */
export function sampleMessages(config: Config, samples: readonly DigestInput[], count: number): MailMessage[] {
	const messages: MailMessage[] = [];
	for (let i = 0; i < count && samples.length; i++) {
		const d = samples[i % samples.length] as DigestInput;
		const rendered = renderDigest(config, d);
		messages.push(
			composeMessage(config, {
				to: d.email,
				subject: rendered.subject,
				html: rendered.html,
				text: rendered.text,
				date: new Date(),
				messageKey: `digest.bench${i}.weekly`,
				unsubscribeUrl: d.unsubscribeUrl,
			}),
		);
	}
	return messages;
}

/** The real mailer (src/node/smtp-pool-mailer.ts) against nodemailer with its defaults, same messages, same sink. */
export async function sendComparison(
	config: Config,
	port: number,
	messages: readonly MailMessage[],
): Promise<{ ours: SendResult; naive: SendResult }> {
	const ours = createSmtpPoolMailer(config.mail);
	// Warm both paths (connections, JIT) before timing.
	await sendAll(messages.slice(0, 50), config.mail.poolSize, (m) => ours.send(m));
	const oursResult = await sendAll(messages, config.mail.poolSize, (m) => ours.send(m));
	await ours.close?.();

	// nodemailer as its README shows it, pooled (5 connections by default), default encodings.
	const naive = nodemailer.createTransport({ host: "127.0.0.1", port, pool: true, ignoreTLS: true });
	const naiveSend = (m: MailMessage) =>
		naive.sendMail({
			from: m.from,
			to: m.to,
			subject: m.subject,
			text: m.text,
			html: m.html,
			messageId: m.messageId,
			date: m.date,
			headers: m.headers,
		});
	await sendAll(messages.slice(0, 50), config.mail.poolSize, naiveSend);
	const naiveResult = await sendAll(messages, config.mail.poolSize, naiveSend);
	naive.close();
	return { ours: oursResult, naive: naiveResult };
}
