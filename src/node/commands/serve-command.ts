import { serve } from "../serve.ts";
import { loadSettings } from "../settings.ts";
import { defineCommand } from "./command.ts";

export const serveCommand = defineCommand({
	summary: "serve the web app and run the scheduled jobs (what `npm start` runs)",
	usage: "paperboy serve",
	async run() {
		await serve(loadSettings());
	},
});
