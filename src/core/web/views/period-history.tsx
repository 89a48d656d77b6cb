/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { PeriodEntry, PeriodOutcome } from "../../digest/period-history.ts";
import type { Paper } from "../../papers/paper.ts";
import { Layout } from "./layout.tsx";
import { PaperList } from "./paper-list.tsx";

/** `weekly:2026-W48` as "Week 48 of 2026", `daily:2026-11-23` as the date. */
export const periodLabel = (period: string) => {
	const week = /^weekly:(\d{4})-W(\d{2})$/.exec(period);
	return week ? `Week ${Number(week[2])} of ${week[1]}` : period.replace(/^daily:/, "");
};

const papers = (n: number) => `${n} paper${n === 1 ? "" : "s"}`;

const outcomeText = (o: PeriodOutcome): string => {
	switch (o.kind) {
		case "sent":
			return `Sent on ${o.at.slice(0, 10)}: ${papers(o.papers)}.`;
		case "nothing_matched":
			return `Nothing matched: 0 of ${o.newPapers} new ${o.newPapers === 1 ? "paper" : "papers"}, so no email.`;
		case "paused":
			return "Paused: no email.";
		case "stale":
			return "No email: the paper sources were stale, nothing new came in.";
		case "suppressed":
			return "Not sent: mail to your address bounced or was reported.";
		case "failed":
			return "Not delivered: your mail server refused it.";
		case "on_its_way":
			return "On its way: your mail server asked us to try again later.";
		case "upcoming":
			return "Not sent yet: it comes with the next run.";
		case "not_planned":
			return "No digest was planned (you were paused, or had just changed how often).";
	}
};

/** The manage page's list of the reader's last periods, each linked to its archive when sent. */
export const PeriodHistory: FC<{ entries: readonly PeriodEntry[]; base: string; weekly: boolean }> = ({
	entries,
	base,
	weekly,
}) => (
	<>
		<h2>Your last {weekly ? "weeks" : "days"}</h2>
		<ul class="history" id="history">
			{entries.map(({ period, outcome }) => (
				<li data-outcome={outcome.kind}>
					<strong>{periodLabel(period)}</strong>: {outcomeText(outcome)}
					{outcome.kind === "sent" ? (
						<>
							{" "}
							<a href={`${base}/digests/${encodeURIComponent(period)}`}>See the papers</a>
						</>
					) : null}
				</li>
			))}
		</ul>
	</>
);

export const ArchivedDigestPage: FC<{ period: string; sentAt: string; papers: readonly Paper[]; back: string }> = (
	p,
) => (
	<Layout title={`Your digest, ${periodLabel(p.period)}`} robots="noindex">
		<section class="card">
			<h1>Your digest, {periodLabel(p.period)}</h1>
			<p class="meta">Sent on {p.sentAt.slice(0, 10)}.</p>
			<PaperList papers={p.papers} />
			<p>
				<a href={p.back}>Back to your subscription</a>
			</p>
		</section>
	</Layout>
);
