/**
 * Baseline target: Bolt's stock HTTPReceiver (signature check, ack, listener), with an
 * app_mention listener that posts one short reply into the thread through the fake Web API.
 * Bolt acks an event before its listener runs, so this measures the stock ack path with a
 * listener that does I/O but no thinking.
 */
import { createServer } from "node:http";
import { App, HTTPReceiver, type Logger, LogLevel } from "@slack/bolt";
import { benchSigningSecret } from "./slack-events.ts";

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

const receiver = new HTTPReceiver({
  signingSecret: benchSigningSecret,
  endpoints: "/slack/events",
  logger: quiet,
  // The start-up bench polls this, as it polls daybook's /healthz.
  customRoutes: [
    {
      path: "/healthz",
      method: ["GET"],
      handler: (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      },
    },
  ],
});
const app = new App({
  receiver,
  authorize: async () => ({ botToken: "xoxb-bench" }),
  ignoreSelf: false,
  convoStore: false,
  logger: quiet,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? "http://127.0.0.1:9/api/" },
});
app.event("app_mention", async ({ event, client }) => {
  await client.chat.postMessage({ channel: event.channel, thread_ts: event.ts, text: "noted" });
});
const server = createServer(receiver.requestListener);
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write("bolt-target listening\n");
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
