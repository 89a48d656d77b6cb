/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { AppError } from "../../errors.ts";
import { openFeedback, recordVote } from "../../recommend/votes.ts";
import { fieldErrors, voteForm } from "../../subscriptions/form-schemas.ts";
import type { Env } from "../hono-env.ts";
import { readForm } from "../read-form.ts";
import { FeedbackPage, VotedPage } from "../views/feedback-page.tsx";

/** Parses a vote from a link's query or a form; a bad one is invalid_input with zod's words. */
function parseVote(fields: Record<string, string | undefined>) {
	const parsed = voteForm.safeParse(fields);
	if (!parsed.success) {
		const errors = fieldErrors(parsed.error);
		throw new AppError("invalid_input", Object.values(errors)[0] ?? "This link is incomplete.", errors);
	}
	return parsed.data;
}

/** 👍 / 👎 from a digest: the link shows the paper and one button; only the button votes. */
export function feedbackRoutes() {
	const app = new Hono<Env>();

	app.get("/feedback/:token", async (c) => {
		const token = c.req.param("token");
		const { paper, vote } = parseVote({ paper: c.req.query("paper"), vote: c.req.query("vote") });
		if (vote === "none") throw new AppError("invalid_input", "This link is incomplete: it says neither 👍 nor 👎.");
		const feedback = await openFeedback(c.var.deps, token, paper);
		return c.html(<FeedbackPage token={token} paper={feedback.paper} vote={vote} current={feedback.vote} />);
	});

	app.post("/feedback/:token", async (c) => {
		const token = c.req.param("token");
		const { paper, vote } = parseVote(await readForm(c));
		const recorded = await recordVote(c.var.deps, token, paper, vote === "none" ? null : vote);
		return c.html(<VotedPage token={token} paper={recorded.paper} vote={recorded.vote} />);
	});

	return app;
}
