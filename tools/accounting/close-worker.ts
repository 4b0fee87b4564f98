/**
 * Worker thread entry for the close checks (close-run.ts starts one per large run): rebuilds
 * the records from the chunks it is sent, runs the same findCloseExceptions as the inline path
 * and answers with the findings as positions.
 */
import { parentPort } from "node:worker_threads";
import { findCloseExceptions } from "./close-checks.ts";
import { encodeFindings, type FromWorker, type ToWorker, transferList, Unpacker } from "./close-wire.ts";

const port = parentPort;
if (!port) throw new Error("close-worker.ts runs as a worker thread (close-run.ts)");

const unpacker = new Unpacker();
port.on("message", (message: ToWorker) => {
  if (message.kind === "chunk") {
    unpacker.add(message);
    return;
  }
  let reply: FromWorker;
  try {
    reply = encodeFindings(findCloseExceptions(unpacker.input, message.options));
  } catch (error) {
    reply = { kind: "failed", message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply, reply.kind === "done" ? transferList(reply) : []);
});
