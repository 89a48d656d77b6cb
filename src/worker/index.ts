/**
 * paperboy on Cloudflare Workers: the same core as on Node, over D1 (fetch), Cron
 * Triggers (scheduled) and a Queue that carries planned deliveries to the sender.
 */
import { isAppError } from "../core/errors.ts";
import { createApp } from "../core/web/app.tsx";
import type { SendMessage, WorkerEnv } from "./bindings.ts";
import { openInvocation } from "./invocation.ts";
import { runScheduled } from "./scheduled.ts";
import { consumeSendBatch } from "./send-queue.ts";

export default {
	async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext) {
		let invocation: ReturnType<typeof openInvocation>;
		try {
			invocation = openInvocation(env, ctx);
		} catch (error) {
			return misconfigured(error);
		}
		const app = createApp(invocation.deps, { clientIp: (c) => c.req.header("cf-connecting-ip") });
		const response = await app.fetch(request);
		ctx.waitUntil(invocation.finish());
		return response;
	},

	async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext) {
		const { deps, finish } = openInvocation(env, ctx);
		const started = Date.now();
		try {
			const summary = await runScheduled(deps, controller.cron, env.SEND_QUEUE);
			if (summary) deps.log.info("job finished", { cron: controller.cron, ms: Date.now() - started, summary });
		} catch (error) {
			deps.log.error("job failed", { cron: controller.cron, error });
			throw error;
		} finally {
			await finish();
		}
	},

	async queue(batch: MessageBatch<SendMessage>, env: WorkerEnv, ctx: ExecutionContext) {
		const { deps, finish } = openInvocation(env, ctx);
		try {
			const summary = await consumeSendBatch(deps, batch);
			deps.log.info("send batch settled", { messages: batch.messages.length, ...summary });
		} finally {
			await finish();
		}
	},
} satisfies ExportedHandler<WorkerEnv, SendMessage>;

/** Bad settings: say so in the log with every problem, and nothing specific to visitors. */
function misconfigured(error: unknown): Response {
	console.error(JSON.stringify({ level: "error", message: "paperboy cannot start", error: String(error) }));
	if (!isAppError(error) || error.code !== "config") throw error;
	return new Response("paperboy is not configured correctly; the operator can find out why in the logs.\n", {
		status: 500,
		headers: { "content-type": "text/plain; charset=utf-8" },
	});
}
