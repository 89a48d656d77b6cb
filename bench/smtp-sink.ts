/**
 * The benchmark's SMTP server, run as a child process so its CPU is not counted as the
 * sender's: accepts every message on 127.0.0.1 and discards it, counting messages and
 * bytes. Talks to its parent over IPC and exits when the parent goes away.
 */
import { SMTPServer } from "smtp-server";

export interface SinkStats {
	messages: number;
	bytes: number;
	/** This process's CPU time so far, in milliseconds. */
	cpuMs: number;
}

export type SinkRequest = { type: "stats" } | { type: "close" };
export type SinkReply = { type: "ready"; port: number } | ({ type: "stats" } & SinkStats);

if (!process.send) throw new Error("bench/smtp-sink.ts runs as a child process (fork) of bench/digest.ts");

let messages = 0;
let bytes = 0;
const server = new SMTPServer({
	authOptional: true,
	disabledCommands: ["AUTH", "STARTTLS"],
	// Without it every connection waits for a reverse DNS lookup.
	disableReverseLookup: true,
	logger: false,
	maxClients: 1000,
	onData(stream, _session, callback) {
		stream.on("data", (chunk: Buffer) => {
			bytes += chunk.length;
		});
		stream.on("end", () => {
			messages++;
			callback();
		});
	},
});
server.on("error", (error) => process.stderr.write(`sink: ${error.message}\n`));

const cpuMs = () => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
};
const reply = (message: SinkReply) => process.send?.(message);

process.on("message", (message: SinkRequest) => {
	if (message.type === "stats") reply({ type: "stats", messages, bytes, cpuMs: cpuMs() });
	if (message.type === "close") server.close(() => process.exit(0));
});
// The parent died or closed the channel: nothing left to serve.
process.on("disconnect", () => process.exit(0));

server.listen(0, "127.0.0.1", () => {
	const address = server.server.address();
	reply({ type: "ready", port: typeof address === "object" && address ? address.port : 0 });
});
