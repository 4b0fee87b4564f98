/**
 * The worker thread of `DAYBOOK_ROLE=all` with Redis (see worker-thread.ts): the worker role,
 * composed here from the same environment, on its own event loop. Agent turns, approved calls
 * and digests run here, so the HTTP thread only verifies, queues and acks.
 */
import { parentPort } from "node:worker_threads";
import { loadConfig } from "../config/load.ts";
import { isDaybookError } from "../core/errors.ts";
import { Metrics } from "../core/metrics.ts";
import { compose } from "./app.ts";
import { lowerThisThreadPriority } from "./thread-priority.ts";
import type { FromWorkerThread, ToWorkerThread } from "./worker-thread-protocol.ts";

const port = parentPort;
if (!port) throw new Error("worker-thread-main.ts runs only as a worker thread (see worker-thread.ts)");
const send = (message: FromWorkerThread) => port.postMessage(message);

try {
  // process.env is a copy of the web thread's at spawn, .env file included: the same config.
  const config = loadConfig(process.env);
  // Process-wide numbers (CPU, RSS, event-loop lag of the web thread) come from the web
  // thread's registry; this one counts only its own work.
  const metrics = new Metrics({ defaultMetrics: false });
  const app = await compose(config, { platforms: true, listen: false, role: "worker", metrics });
  app.scheduler.start();
  // After composing, so start-up (which runs beside the web thread's) is not slowed: from here
  // the web thread's acks come first whenever both want a CPU (thread-priority.ts).
  lowerThisThreadPriority();
  let stopping = false;
  port.on("message", (message: ToWorkerThread) => {
    if (message.type === "metrics") {
      // The web thread reports the queue gauges (they read the same Redis streams).
      void metrics.registry.getMetricsAsJSON().then((all) =>
        send({
          type: "metrics",
          id: message.id,
          metrics: all.filter((m) => !m.name.startsWith("daybook_queue_")),
        }),
      );
      return;
    }
    if (stopping) return;
    stopping = true;
    void (async () => {
      await app.stopIntake();
      const stopped = (await app.work?.stop(message.timeoutMs)) ?? { finished: 0, handedBack: 0 };
      await app.inFlight.drain(5_000);
      await app.close();
      send({ type: "stopped", ...stopped });
      port.close();
    })();
  });
  send({ type: "ready" });
} catch (error) {
  send({
    type: "failed",
    message: error instanceof Error ? error.message : String(error),
    code: isDaybookError(error) ? error.code : undefined,
  });
  port.close();
}
