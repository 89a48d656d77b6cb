/**
 * paperboy on Cloudflare Workers: the same core as on Node, over D1 (fetch), Cron
 * Triggers (scheduled) and a Queue that carries planned deliveries to the sender.
 */
import type { Config } from "../core/config.ts";
import type { Deps } from "../core/deps.ts";
import { isAppError } from "../core/errors.ts";
import { runJob } from "../core/jobs/run-job.ts";
import { sendQueuedMail } from "../core/mail/mail-outbox.ts";
import { createApp } from "../core/web/app.tsx";
import type { QueueMessage, WorkerEnv } from "./bindings.ts";
import { jobForCron } from "./cron.ts";
import { openInvocation } from "./invocation.ts";
import { consumeSendBatch, startEnqueue } from "./send-queue.ts";

/** What the app's `deps` option reads: the invocation's services, passed as the request's bindings. */
interface RequestServices {
	deps: Deps;
}

/**
 * The web app, built once per isolate (and set of settings) rather than per request, so
 * what its routes cache (the rendered signup page) serves every request the isolate
 * gets. Each request still brings its own services.
 */
const apps = new WeakMap<Config, ReturnType<typeof createApp>>();
function appFor(config: Config) {
	let app = apps.get(config);
	if (!app) {
		app = createApp(config, {
			deps: (c) => (c.env as RequestServices).deps,
			clientIp: (c) => c.req.header("cf-connecting-ip"),
		});
		apps.set(config, app);
	}
	return app;
}

/** Papers are fetched with the runtime's fetch; bound, as workerd wants it called. */
const fetchPapers = (url: string, init: RequestInit) => fetch(url, init);

export default {
	async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext) {
		let invocation: ReturnType<typeof openInvocation>;
		try {
			invocation = openInvocation(env, ctx);
		} catch (error) {
			return misconfigured(error);
		}
		const services: RequestServices = { deps: invocation.deps };
		const response = await appFor(invocation.deps.config).fetch(request, services, ctx);
		ctx.waitUntil(invocation.finish());
		return response;
	},

	/**
	 * A Cron Trigger runs its job as on Node, except that a digest job only plans and
	 * starts the chained enqueue steps: matching and sending from one invocation would run
	 * into Workers' CPU and subrequest limits, so queue invocations match and send.
	 */
	async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext) {
		const { deps, finish } = openInvocation(env, ctx);
		const started = Date.now();
		try {
			const job = jobForCron(deps.config, controller.cron);
			if (!job) {
				deps.log.warn("a Cron Trigger matches no job: set INGEST_CRON, DIGEST_CRON or DAILY_DIGEST_CRON to it", {
					cron: controller.cron,
				});
				return;
			}
			const summary = await runJob(deps, job, {
				deliver: (d) => startEnqueue(d, env.SEND_QUEUE),
				fetch: fetchPapers,
			});
			// Transactional mail the relay did not take at signup time is retried here (and by each queue batch).
			const mail = await sendQueuedMail(deps, { limit: 20 });
			deps.log.info("job finished", { job: job.name, cron: controller.cron, ms: Date.now() - started, summary, mail });
		} catch (error) {
			deps.log.error("job failed", { cron: controller.cron, error });
			throw error;
		} finally {
			await finish();
		}
	},

	async queue(batch: MessageBatch<QueueMessage>, env: WorkerEnv, ctx: ExecutionContext) {
		const { deps, finish } = openInvocation(env, ctx);
		try {
			const summary = await consumeSendBatch(deps, batch, env.SEND_QUEUE);
			const mail = await sendQueuedMail(deps, { limit: 5 });
			deps.log.info("send batch settled", { messages: batch.messages.length, ...summary, mail });
		} finally {
			await finish();
		}
	},
} satisfies ExportedHandler<WorkerEnv, QueueMessage>;

/** Bad settings: say so in the log with every problem, and nothing specific to visitors. */
function misconfigured(error: unknown): Response {
	console.error(JSON.stringify({ level: "error", message: "paperboy cannot start", error: String(error) }));
	if (!isAppError(error) || error.code !== "config") throw error;
	return new Response("paperboy is not configured correctly; the operator can find out why in the logs.\n", {
		status: 500,
		headers: { "content-type": "text/plain; charset=utf-8" },
	});
}
